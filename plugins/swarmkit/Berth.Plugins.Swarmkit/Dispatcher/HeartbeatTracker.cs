using System.Collections.Concurrent;

namespace Berth.Plugins.Swarmkit.Dispatcher;

/// <summary>
/// When each node was last heard from, kept by the leader in memory only (as swarmkit's dispatcher): a new leader
/// starts every node's clock afresh, so nobody is marked down for the election gap.
/// </summary>
public sealed class HeartbeatTracker(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> lastSeen = new(StringComparer.Ordinal);
    private DateTimeOffset since = time.GetUtcNow();

    public void Reset()
    {
        lastSeen.Clear();
        since = time.GetUtcNow();
    }

    public void Beat(string nodeId) => lastSeen[nodeId] = time.GetUtcNow();

    /// <summary>True when neither the node nor anything since the leadership began has been heard for <paramref name="grace"/>.</summary>
    public bool IsOverdue(string nodeId, TimeSpan grace)
    {
        var seen = lastSeen.TryGetValue(nodeId, out var at) ? at : since;
        return time.GetUtcNow() - seen > grace;
    }

    public void Forget(string nodeId) => lastSeen.TryRemove(nodeId, out _);
}
