using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;

namespace Berth.Plugins.Swarmkit.Membership;

/// <summary>
/// A manager's <c>ManagerStatus</c> as of now, from raft's view rather than stored: leader when it leads,
/// reachable while raft or its heartbeats say so.
/// </summary>
public static class ManagerStatuses
{
    public static ManagerStatus? Of(IClusterStore store, Node node)
    {
        if (node.ManagerStatus?.Addr is not { Length: > 0 } addr)
            return null;
        var leader = store.LeaderAddress == addr;
        var member = store.Members.FirstOrDefault(m => m.Address == addr);
        var reachable = leader || member?.Reachable == true || (member is not null && node.Status.State == NodeStates.Ready);
        return new ManagerStatus(leader, reachable ? "reachable" : "unreachable", addr);
    }
}
