using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Membership;

/// <summary>
/// The leader's role manager (swarmkit's roleManager): while this manager leads it reconciles every node's observed
/// role with its spec (<see cref="RoleReconciliation"/>) at the start of the term, after commits, and every
/// <see cref="RetryInterval"/> while something is pending. Each step is idempotent and computed afresh from the
/// applied state, so a leader that dies half way leaves the next one a state it finishes from.
/// </summary>
public sealed class RoleManager : IAsyncDisposable
{
    /// <summary>swarmkit's roleReconcileInterval.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private readonly IClusterStore store;
    private readonly TimeProvider time;
    private readonly TextWriter log;
    private readonly CancellationTokenSource lifetime = new();
    private readonly Lock gate = new();
    private Task loop = Task.CompletedTask;

    public RoleManager(IClusterStore store, TimeProvider time, TextWriter log)
    {
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.log = log ?? throw new ArgumentNullException(nameof(log));
        store.LeadershipChanged += OnLeadershipChanged;
    }

    private void OnLeadershipChanged(LeadershipChange change)
    {
        if (!change.IsLeader)
            return;
        lock (gate)
        {
            if (lifetime.IsCancellationRequested)
                return;
            var previous = loop;
            loop = Task.Run(async () =>
            {
                await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                using var term = CancellationTokenSource.CreateLinkedTokenSource(change.LeadershipToken, lifetime.Token);
                await RunAsync(term.Token).ConfigureAwait(false);
            }, CancellationToken.None);
        }
    }

    private async Task RunAsync(CancellationToken term)
    {
        var seen = -1L;
        while (!term.IsCancellationRequested)
        {
            var pending = false;
            try
            {
                var state = store.Current;
                seen = state.Index;
                var steps = RoleReconciliation.Plan(state, store.Members, store.LeaderAddress);
                pending = steps.Count > 0;
                foreach (var step in steps)
                    await ExecuteAsync(step, term).ConfigureAwait(false);
            }
            catch (Exception e) when (!term.IsCancellationRequested)
            {
                pending = true;
                await log.WriteLineAsync($"swarm: reconciling node roles failed: {e.Message}").ConfigureAwait(false);
            }
            catch (Exception) when (term.IsCancellationRequested)
            {
                return;
            }
            await WaitAsync(seen, pending, term).ConfigureAwait(false);
        }
    }

    private async Task WaitAsync(long seen, bool pending, CancellationToken term)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(term);
        if (pending)
            wait.CancelAfter(RetryInterval);
        try
        {
            await store.WaitForAsync(s => s.Index > seen, wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ExecuteAsync(RoleStep step, CancellationToken term)
    {
        switch (step)
        {
            case PromoteStep or DemoteStep:
                await SettleAsync(step.Node.ID, term).ConfigureAwait(false);
                break;
            case RemoveMemberStep remove:
                await log.WriteLineAsync($"swarm: demoting node {remove.Node.ID}: removing manager {remove.Address} from raft").ConfigureAwait(false);
                await store.RemoveMemberAsync(remove.Address, term).ConfigureAwait(false);
                await SettleAsync(remove.Node.ID, term).ConfigureAwait(false);
                break;
            case StepDownStep:
                await log.WriteLineAsync("swarm: this leader is demoted; transferring leadership").ConfigureAwait(false);
                // Not the term's token: resigning ends the term at once, and the transfer must go on standing by until
                // another member leads. Cancelled with the term, it reverted at once, and this member, whose log is the
                // longest, kept winning the election again.
                await store.TransferLeadershipAsync(lifetime.Token).ConfigureAwait(false);
                break;
        }
    }

    // Re-read, so a spec that changed again meanwhile is not overridden; a version conflict waits for the next pass.
    private async Task SettleAsync(string nodeId, CancellationToken term)
    {
        if (store.Current.Nodes.GetValueOrDefault(nodeId) is not { } node || node.ObservedRole == node.Spec.Role)
            return;
        if (node.Spec.Role == NodeRoles.Worker && node.ManagerStatus?.Addr is { } address && store.Members.Any(m => m.Address == address))
            return;
        try
        {
            await store.ProposeAsync(new StoreCommand(time.GetUtcNow().UtcDateTime, [StoreOp.Update(RoleReconciliation.Settled(node))]), term).ConfigureAwait(false);
        }
        catch (BerthException e) when (e.Kind == BerthErrorKind.Conflict || e.Message == StoreError.OutOfSequence)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        store.LeadershipChanged -= OnLeadershipChanged;
        await lifetime.CancelAsync().ConfigureAwait(false);
        Task running;
        lock (gate)
            running = loop;
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lifetime.Dispose();
    }
}
