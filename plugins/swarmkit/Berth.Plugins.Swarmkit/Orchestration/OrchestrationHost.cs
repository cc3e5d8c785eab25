using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Orchestration;

public sealed record OrchestrationOptions
{
    /// <summary>A pass runs once commits have paused this long (swarmkit's scheduler commitDebounceGap).</summary>
    public TimeSpan CommitDebounceGap { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>…or at the latest this long after the first commit it waits on (swarmkit's maxLatency).</summary>
    public TimeSpan MaxLatency { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest batch proposed at once; a pass's writes go out in several batches if need be.</summary>
    public int MaxBatchOps { get; init; } = 200;

    /// <summary>Pause after a pass failed (an exception, no quorum) before the next one.</summary>
    public TimeSpan RetryAfterError { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Runs the leader-only orchestration (orchestrators, restart supervisor, updater, scheduler, reaper; see
/// <see cref="Reconciler"/>) while this manager leads. It subscribes to the store itself: each
/// <see cref="IClusterStore.LeadershipChanged"/> with IsLeader starts a loop for that term, which ends when the
/// term's token is cancelled (or the host is disposed). The loop runs a pass after commits settle (50 ms gap,
/// 1 s at most), when a timer it asked for is due (restart delays, update delays and monitor periods), and once at
/// the start of the term. Writes are proposed in batches; a refused batch (something changed underneath) is
/// redone by the next pass from fresh state. Errors are logged and never end the loop.
/// </summary>
public sealed class OrchestrationHost : IAsyncDisposable
{
    private readonly IClusterStore store;
    private readonly TimeProvider time;
    private readonly TextWriter log;
    private readonly OrchestrationOptions options;
    private readonly CancellationTokenSource lifetime = new();
    private readonly Lock gate = new();
    private readonly List<TaskCompletionSource> idleWaiters = [];
    private CancellationTokenSource? term;
    private Task loop = Task.CompletedTask;
    private long signals;
    private long consumed;
    private TaskCompletionSource<bool>? waiter;
    private bool blocked;
    private bool disposed;

    public OrchestrationHost(IClusterStore store, TimeProvider time, TextWriter log, OrchestrationOptions? options = null)
    {
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.log = log ?? throw new ArgumentNullException(nameof(log));
        this.options = options ?? new OrchestrationOptions();
        store.Committed += OnCommitted;
        store.LeadershipChanged += OnLeadershipChanged;
    }

    /// <summary>Passes run so far (all terms).</summary>
    public long Passes => Interlocked.Read(ref passes);

    private long passes;

    /// <summary>
    /// Starts the loop for a leadership term; the host calls it on LeadershipChanged, a caller that learnt of the
    /// term otherwise may too. An earlier term's loop is stopped first.
    /// </summary>
    public void Start(CancellationToken leadership)
    {
        lock (gate)
        {
            if (disposed || leadership.IsCancellationRequested)
                return;
            term?.Cancel();
            var current = CancellationTokenSource.CreateLinkedTokenSource(leadership, lifetime.Token);
            term = current;
            var previous = loop;
            loop = Task.Run(async () =>
            {
                try
                {
                    await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    await RunAsync(current.Token).ConfigureAwait(false);
                }
                finally
                {
                    lock (gate)
                    {
                        if (term == current)
                            term = null;
                    }
                    current.Dispose();
                }
            }, CancellationToken.None);
        }
    }

    /// <summary>For tests: the current term's loop (completes when the term ends).</summary>
    internal Task Loop
    {
        get
        {
            lock (gate)
                return loop;
        }
    }

    /// <summary>For tests: completes when the loop is waiting with nothing left to do until a commit or a timer.</summary>
    internal Task WhenIdleAsync()
    {
        lock (gate)
        {
            if (blocked && signals == consumed)
                return Task.CompletedTask;
            var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idleWaiters.Add(idle);
            return idle.Task;
        }
    }

    private void OnLeadershipChanged(LeadershipChange change)
    {
        if (change.IsLeader)
            Start(change.LeadershipToken);
    }

    private void OnCommitted(StoreCommitted committed) => Signal();

    private void Signal()
    {
        lock (gate)
        {
            signals++;
            if (waiter is { } w)
            {
                waiter = null;
                blocked = false;
                w.TrySetResult(true);
            }
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var reconciler = new Reconciler();
        lock (gate)
            consumed = signals;
        await WriteLogAsync("swarm: orchestration started (this manager leads)").ConfigureAwait(false);
        DateTime? wakeAt = null;
        var first = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!first)
                {
                    var signalled = await WaitAsync(wakeAt, cancellationToken).ConfigureAwait(false);
                    if (signalled)
                        await DebounceAsync(cancellationToken).ConfigureAwait(false);
                }
                first = false;
                wakeAt = await PassAsync(reconciler, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                await WriteLogAsync($"swarm: orchestration pass failed: {e}").ConfigureAwait(false);
                wakeAt = Now + options.RetryAfterError;
            }
        }
        await WriteLogAsync("swarm: orchestration stopped (leadership ended)").ConfigureAwait(false);
    }

    // Commits keep coming: wait until they pause for the gap, but no longer than the maximum latency.
    private async Task DebounceAsync(CancellationToken cancellationToken)
    {
        var started = Now;
        var last = started;
        while (true)
        {
            var gapEnd = last + options.CommitDebounceGap;
            var latest = started + options.MaxLatency;
            if (!await WaitAsync(gapEnd < latest ? gapEnd : latest, cancellationToken).ConfigureAwait(false))
                return;
            last = Now;
            if (last - started >= options.MaxLatency)
                return;
        }
    }

    private async Task<DateTime?> PassAsync(Reconciler reconciler, CancellationToken cancellationToken)
    {
        var result = reconciler.Run(store.Current, Now);
        Interlocked.Increment(ref passes);
        var refused = 0;
        string? reason = null;
        var batches = result.Ops.Chunk(Math.Max(1, options.MaxBatchOps)).ToList();
        foreach (var batch in batches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await store.ProposeAsync(new StoreCommand(Now, batch), cancellationToken).ConfigureAwait(false);
            }
            catch (BerthException e) when (e.Kind is BerthErrorKind.Conflict or BerthErrorKind.NotFound)
            {
                refused++;
                reason = e.Message;
            }
        }
        if (refused > 0)
        {
            await WriteLogAsync($"swarm: orchestration: {refused} of {batches.Count} batches refused ({reason}); redoing them from fresh state")
                .ConfigureAwait(false);
            Signal();
        }
        return result.WakeAt;
    }

    /// <summary>Waits for a commit (true) or until <paramref name="deadline"/> (false).</summary>
    private async Task<bool> WaitAsync(DateTime? deadline, CancellationToken cancellationToken)
    {
        TaskCompletionSource<bool> wake;
        ITimer? timer = null;
        lock (gate)
        {
            if (signals != consumed)
            {
                consumed = signals;
                return true;
            }
            var now = Now;
            if (deadline is { } due && due <= now)
                return false;
            wake = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiter = wake;
            blocked = true;
            if (deadline is { } d)
            {
                // Made under the lock so that a test clock advanced right after the loop reports idle fires it.
                timer = time.CreateTimer(_ => Fire(wake), null, d - now, Timeout.InfiniteTimeSpan);
            }
            foreach (var idle in idleWaiters)
                idle.TrySetResult();
            idleWaiters.Clear();
        }
        try
        {
            await using (cancellationToken.Register(() => wake.TrySetCanceled(cancellationToken)).ConfigureAwait(false))
            {
                var signalled = await wake.Task.ConfigureAwait(false);
                if (signalled)
                {
                    lock (gate)
                        consumed = signals;
                }
                return signalled;
            }
        }
        finally
        {
            if (timer is not null)
                await timer.DisposeAsync().ConfigureAwait(false);
            lock (gate)
            {
                if (waiter == wake)
                {
                    waiter = null;
                    blocked = false;
                }
            }
        }
    }

    private void Fire(TaskCompletionSource<bool> wake)
    {
        lock (gate)
        {
            if (waiter == wake)
            {
                waiter = null;
                blocked = false;
            }
        }
        wake.TrySetResult(false);
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private async Task WriteLogAsync(string line)
    {
        try
        {
            await log.WriteLineAsync(line).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task running;
        lock (gate)
        {
            if (disposed)
                return;
            disposed = true;
            running = loop;
        }
        store.Committed -= OnCommitted;
        store.LeadershipChanged -= OnLeadershipChanged;
        await lifetime.CancelAsync().ConfigureAwait(false);
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lifetime.Dispose();
    }
}
