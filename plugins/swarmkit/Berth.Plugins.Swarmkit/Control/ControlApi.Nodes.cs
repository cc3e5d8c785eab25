using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Control;

public sealed partial class ControlApi
{
    private async Task<JsonElement> UpdateNodeAsync(string idOrName, long version, JsonElement body, CancellationToken cancellationToken)
    {
        var spec = SwarmJson.From<NodeSpec>(body);
        var current = ObjectLookup.Resolve<Node>(State, ObjectKind.Node, idOrName);
        if (spec.Availability is not (NodeAvailability.Active or NodeAvailability.Pause or NodeAvailability.Drain))
            throw BerthException.Invalid($"invalid availability {spec.Availability}");
        if (spec.Role is not (NodeRoles.Manager or NodeRoles.Worker))
            throw BerthException.Invalid($"invalid role {spec.Role}");
        if (spec.Role != current.Spec.Role)
            CheckRoleChange(State, current, spec.Role, members?.Invoke() ?? []);
        // The observed role stays as it is: the leader's role manager moves it (raft membership first on a demotion).
        await proposer.ProposeAsync([Versioned(current with { Spec = spec, Role = current.ObservedRole }, version)], cancellationToken).ConfigureAwait(false);
        return SwarmJson.ToElement(new Dictionary<string, object?>());
    }

    /// <summary>swarmkit's demotion sanity checks (controlapi UpdateNode): never the last manager, never below a quorum.</summary>
    internal static void CheckRoleChange(ClusterState state, Node node, string role, IReadOnlyList<MemberInfo> members)
    {
        if (role != NodeRoles.Worker)
            return;
        var managers = state.Nodes.Values.Where(n => n.Spec.Role == NodeRoles.Manager).ToList();
        if (managers.Count == 1 && managers[0].ID == node.ID)
            throw BerthException.Invalid("attempting to demote the last manager of the swarm");
        if (node.ManagerStatus?.Addr is { } address && !QuorumGuard.CanRemove(members, address, state))
            throw BerthException.Invalid(QuorumGuard.LossOfQuorum);
    }

    private async Task RemoveNodeAsync(string idOrName, bool force, CancellationToken cancellationToken)
    {
        var node = ObjectLookup.Resolve<Node>(State, ObjectKind.Node, idOrName);
        if (node.Spec.Role == NodeRoles.Manager || node.ObservedRole == NodeRoles.Manager)
            throw BerthException.Invalid(
                $"node {node.ID} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal");
        if (!force && node.Status.State != NodeStates.Down)
            throw BerthException.Invalid($"node {node.ID} is not down and can't be removed"); // FailedPrecondition: 400 in Moby
        await proposer.ProposeAsync([StoreOp.Delete(ObjectKind.Node, node.ID)], cancellationToken).ConfigureAwait(false);
    }
}
