using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Store;

/// <summary>
/// swarmkit's <c>CanRemoveMember</c>: a manager may leave the raft members (demotion) only when the members left that
/// can be reached still form a majority of the smaller set. A member counts as reachable when raft hears from it or
/// when its node's heartbeats keep it ready (a follower's raft view of the other followers is blind).
/// </summary>
public static class QuorumGuard
{
    /// <summary>swarmkit's refusal, word for word.</summary>
    public const string LossOfQuorum = "can't remove member from the raft: this would result in a loss of quorum";

    /// <summary>True when removing <paramref name="address"/> keeps a quorum (or when it is not a member at all).</summary>
    public static bool CanRemove(IReadOnlyList<MemberInfo> members, string address, ClusterState state)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(state);
        if (!members.Any(m => m.Address == address))
            return true;
        var reachable = members.Count(m => m.Address != address && IsReachable(m, state));
        var quorum = (members.Count - 1) / 2 + 1;
        return reachable >= quorum;
    }

    private static bool IsReachable(MemberInfo member, ClusterState state) =>
        member.Reachable || state.Nodes.Values.Any(n => n.ManagerStatus?.Addr == member.Address && n.Status.State == NodeStates.Ready);
}
