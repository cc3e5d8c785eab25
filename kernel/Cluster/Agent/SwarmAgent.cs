using Berth.Sdk.Cluster;

namespace Berth.Kernel.Cluster.Agent;

/// <summary>The node's task agent as the swarm membership drives it.</summary>
public interface ISwarmAgent
{
    bool IsRunning { get; }

    /// <summary>Starts the agent if it does not run.</summary>
    void Start();

    /// <summary>Stops the agent; task containers are left as they are.</summary>
    Task StopAsync();
}

/// <summary>
/// While the node is in a swarm: long-polls the cluster backend for the node's assignments and hands each new set to the
/// <see cref="AssignmentReconciler"/>; task workers report through one <see cref="TaskStatusReporter"/>. The agent owns
/// no state: on start it rebuilds from the assignments and the containers carrying <see cref="SwarmLabels.TaskId"/>.
/// Backend errors (it may be starting or restarting) are retried with backoff; an empty revision (not, or not yet, in a
/// swarm: still resuming, locked) is waited out the same way and never taken as "no tasks".
/// </summary>
public sealed class SwarmAgent(IClusterBackend backend, ITaskContainers containers, ITaskImages images, TaskFileStore files, TimeProvider time)
    : ISwarmAgent, IAsyncDisposable
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(5);

    /// <summary>How long a stopping agent tries to deliver the reports its workers made last.</summary>
    public static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private CancellationTokenSource? stop;
    private Task? loop;

    public bool IsRunning
    {
        get
        {
            lock (gate) return loop is { IsCompleted: false };
        }
    }

    public void Start()
    {
        lock (gate)
        {
            if (loop is { IsCompleted: false }) return;
            stop?.Dispose();
            stop = new CancellationTokenSource();
            loop = RunAsync(stop.Token);
        }
        Serilog.Log.Information("swarm agent started");
    }

    public async Task StopAsync()
    {
        CancellationTokenSource? cancel;
        Task? running;
        lock (gate)
        {
            (cancel, running) = (stop, loop);
            loop = null;
        }
        if (cancel is null || running is null) return;
        await cancel.CancelAsync().ConfigureAwait(false);
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        Serilog.Log.Information("swarm agent stopped");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        lock (gate) stop?.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        var reporter = new TaskStatusReporter(backend.ReportTaskStatusAsync, time);
        var reconciler = new AssignmentReconciler(new TaskAgentContext(containers, images, files, reporter, time));
        var reporting = reporter.RunAsync(cancellationToken);
        try
        {
            await PollAsync(reconciler, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await reconciler.DisposeAsync().ConfigureAwait(false);
            try
            {
                await reporting.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            using var flush = new CancellationTokenSource(FlushTimeout, time);
            try
            {
                await reporter.FlushAsync(flush.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task PollAsync(AssignmentReconciler reconciler, CancellationToken cancellationToken)
    {
        var revision = "";
        var retry = new RetryDelay(FirstRetry, MaxRetry);
        var failing = false;
        while (true)
        {
            NodeAssignments assignments;
            try
            {
                assignments = await backend.GetAssignmentsAsync(revision, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (!failing) Serilog.Log.Warning("swarm agent: waiting for the cluster backend: {Message}", ex.Message);
                failing = true;
                await Task.Delay(retry.Next(), time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            failing = false;
            if (assignments.Revision.Length == 0)
            {
                await Task.Delay(retry.Next(), time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            retry.Reset();
            if (assignments.Revision == revision) continue;
            revision = assignments.Revision;
            try
            {
                await reconciler.ApplyAsync(assignments, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Berth.Sdk.BerthException)
            {
                Serilog.Log.Warning("swarm agent: applying the assignments failed, retrying: {Message}", ex.Message);
                revision = ""; // ask again at once, after a pause
                await Task.Delay(retry.Next(), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
