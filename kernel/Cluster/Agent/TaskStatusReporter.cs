using Berth.Sdk;
using Berth.Sdk.Cluster;

namespace Berth.Kernel.Cluster.Agent;

/// <summary>Where task workers put the state transitions they observe.</summary>
public interface ITaskStatusSink
{
    void Report(TaskStatusReport report);
}

/// <summary>
/// Sends task status reports to the cluster backend in the order they were made, in batches, retrying with backoff
/// while the backend is unavailable (its supervisor may be restarting it). A report the backend refuses for good (the
/// node or task is gone, a bad value) is dropped so it cannot block the ones behind it.
/// </summary>
public sealed class TaskStatusReporter(Func<IReadOnlyList<TaskStatusReport>, CancellationToken, Task> send, TimeProvider time) : ITaskStatusSink
{
    public const int MaxBatch = 64;
    public static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private readonly List<TaskStatusReport> pending = [];
    private readonly WakeSignal wake = new();
    private readonly RetryDelay delay = new(FirstRetry, MaxRetry);
    private bool failing;

    public int PendingCount
    {
        get
        {
            lock (gate) return pending.Count;
        }
    }

    public void Report(TaskStatusReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (gate) pending.Add(report);
        wake.Set();
    }

    /// <summary>Sends until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var batch = Take();
            if (batch.Count == 0)
            {
                await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (await TrySendAsync(batch, cancellationToken).ConfigureAwait(false))
            {
                Drop(batch.Count);
                delay.Reset();
            }
            else
            {
                await Task.Delay(delay.Next(), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One attempt to send what is pending (at daemon shutdown, within the caller's deadline).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var batch = Take();
        if (batch.Count > 0 && await TrySendAsync(batch, cancellationToken).ConfigureAwait(false)) Drop(batch.Count);
    }

    private List<TaskStatusReport> Take()
    {
        lock (gate) return pending.Take(MaxBatch).ToList();
    }

    private void Drop(int count)
    {
        lock (gate) pending.RemoveRange(0, count);
    }

    private async Task<bool> TrySendAsync(List<TaskStatusReport> batch, CancellationToken cancellationToken)
    {
        try
        {
            await send(batch, cancellationToken).ConfigureAwait(false);
            failing = false;
            return true;
        }
        catch (BerthException ex) when (IsPermanent(ex))
        {
            if (batch.Count == 1)
            {
                Serilog.Log.Warning("swarm agent: dropping the status {State} of task {Task}: {Message}", batch[0].State, batch[0].TaskId, ex.Message);
                return true;
            }
            return await SendOneByOneAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (!failing) Serilog.Log.Warning("swarm agent: task status reports wait for the cluster backend: {Message}", ex.Message);
            failing = true;
            return false;
        }
    }

    private async Task<bool> SendOneByOneAsync(List<TaskStatusReport> batch, CancellationToken cancellationToken)
    {
        foreach (var report in batch)
        {
            if (!await TrySendAsync([report], cancellationToken).ConfigureAwait(false)) return false;
        }
        return true;
    }

    private static bool IsPermanent(BerthException ex) =>
        ex.Kind is BerthErrorKind.InvalidParameter or BerthErrorKind.NotFound or BerthErrorKind.Forbidden or BerthErrorKind.NotImplemented;
}
