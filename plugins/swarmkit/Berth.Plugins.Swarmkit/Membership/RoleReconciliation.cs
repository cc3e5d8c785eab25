using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;

namespace Berth.Plugins.Swarmkit.Membership;

/// <summary>One step the leader takes towards a node's desired role.</summary>
public abstract record RoleStep(Node Node);

/// <summary>Promotion proceeds at once: the node's role becomes manager; the node then fetches a manager certificate and joins raft.</summary>
public sealed record PromoteStep(Node Node) : RoleStep(Node);

/// <summary>Demotion, first half: the manager leaves the raft members; then its role becomes worker.</summary>
public sealed record RemoveMemberStep(Node Node, string Address) : RoleStep(Node);

/// <summary>Demotion of the leader itself: leadership moves first, and the next leader removes this member.</summary>
public sealed record StepDownStep(Node Node) : RoleStep(Node);

/// <summary>Demotion, second half: the node is no raft member (any more), so its role becomes worker.</summary>
public sealed record DemoteStep(Node Node) : RoleStep(Node);

/// <summary>Demotion on hold: removing the member now would lose the quorum; tried again later.</summary>
public sealed record BlockedStep(Node Node) : RoleStep(Node);

/// <summary>
/// What the leader's role manager does with nodes whose observed role differs from their spec (swarmkit's
/// roleManager.reconcileRole): computed from the applied state and the raft members, executed by <see cref="RoleManager"/>.
/// </summary>
public static class RoleReconciliation
{
    /// <param name="self">The leader's own member address.</param>
    public static IReadOnlyList<RoleStep> Plan(ClusterState state, IReadOnlyList<MemberInfo> members, string? self)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(members);
        var steps = new List<RoleStep>();
        foreach (var node in state.Nodes.Values.OrderBy(n => n.ID, StringComparer.Ordinal))
        {
            if (node.ObservedRole == node.Spec.Role)
                continue;
            if (node.Spec.Role == NodeRoles.Manager)
            {
                steps.Add(new PromoteStep(node));
                continue;
            }
            var address = node.ManagerStatus?.Addr;
            if (address is null || !members.Any(m => m.Address == address))
                steps.Add(new DemoteStep(node));
            else if (!QuorumGuard.CanRemove(members, address, state))
                steps.Add(new BlockedStep(node));
            else if (address == self)
                steps.Add(new StepDownStep(node));
            else
                steps.Add(new RemoveMemberStep(node, address));
        }
        return steps;
    }

    /// <summary>The node with its observed role set to its spec's (managers keep their address, workers drop it).</summary>
    public static Node Settled(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Spec.Role == NodeRoles.Manager
            ? node with { Role = NodeRoles.Manager }
            : node with { Role = NodeRoles.Worker, ManagerStatus = null };
    }
}
