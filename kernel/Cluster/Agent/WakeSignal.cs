namespace Berth.Kernel.Cluster.Agent;

/// <summary>An auto-reset signal for one waiting loop: a <see cref="Set"/> wakes the current or the next wait, once.</summary>
public sealed class WakeSignal
{
    private readonly Lock gate = new();
    private TaskCompletionSource? waiter;
    private bool set;

    public void Set()
    {
        TaskCompletionSource? wake;
        lock (gate)
        {
            if (waiter is null)
            {
                set = true;
                return;
            }
            wake = waiter;
            waiter = null;
        }
        wake.TrySetResult();
    }

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        Task pending;
        lock (gate)
        {
            if (set)
            {
                set = false;
                return Task.CompletedTask;
            }
            pending = (waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
        return pending.WaitAsync(cancellationToken);
    }
}
