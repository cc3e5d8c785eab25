namespace Berth.Kernel.Cluster.Agent;

/// <summary>Doubling delays between retries of a call to the cluster backend (it may be restarting), capped.</summary>
public sealed class RetryDelay(TimeSpan first, TimeSpan max)
{
    private readonly TimeSpan initial = first;
    private TimeSpan next = first;

    public TimeSpan Next()
    {
        var current = next;
        next = next * 2 > max ? max : next * 2;
        return current;
    }

    public void Reset() => next = initial;
}
