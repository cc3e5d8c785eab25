namespace Berth.Plugins.Swarmkit.Logs;

/// <summary>
/// The leader's list of log subscriptions in progress, which every agent long-polls for its own part (however it
/// reaches the managers). A subscription lives as long as its broker renews it: one whose manager vanished expires.
/// </summary>
public sealed class LogSubscriptionRegistry(TimeProvider time)
{
    /// <summary>How long a subscription lives without being renewed.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly Lock gate = new();
    private readonly Dictionary<string, (LogSubscribeRequest Request, DateTimeOffset Expires)> active = new(StringComparer.Ordinal);
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Starts from the clock, so a new leader's revisions do not collide with what agents knew from the old one.
    private long revision = time.GetUtcNow().UtcTicks;

    public int Count
    {
        get
        {
            lock (gate)
                return active.Count;
        }
    }

    /// <summary>Adds a subscription, or renews it.</summary>
    public void Subscribe(LogSubscribeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (gate)
        {
            var isNew = !active.ContainsKey(request.Id);
            active[request.Id] = (request, time.GetUtcNow() + Lease);
            if (isNew)
                Bump();
        }
    }

    public void Unsubscribe(string id)
    {
        lock (gate)
        {
            if (active.Remove(id))
                Bump();
        }
    }

    /// <summary>The node's subscriptions: at once when the revision differs from <paramref name="request"/>'s, else when one starts or ends, or after its wait.</summary>
    public async Task<NodeLogSubscriptions> WaitAsync(LogSubscriptionsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Task signal;
        lock (gate)
        {
            Expire();
            if (revision != request.KnownRevision)
                return For(request.NodeId);
            signal = changed.Task;
        }
        try
        {
            await signal.WaitAsync(TimeSpan.FromMilliseconds(Math.Clamp(request.WaitMs, 0, 60_000)), time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        lock (gate)
        {
            Expire();
            return For(request.NodeId);
        }
    }

    private NodeLogSubscriptions For(string nodeId) => new(revision, active.Values
        .Where(a => a.Request.Nodes.ContainsKey(nodeId))
        .Select(a => new LogSubscription(a.Request.Id, a.Request.BrokerAddr, a.Request.Config, a.Request.Nodes[nodeId]))
        .ToList());

    private void Expire()
    {
        var now = time.GetUtcNow();
        var expired = active.Where(a => a.Value.Expires <= now).Select(a => a.Key).ToList();
        foreach (var id in expired)
            active.Remove(id);
        if (expired.Count > 0)
            Bump();
    }

    private void Bump()
    {
        revision++;
        changed.TrySetResult();
        changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
