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
            await CheckRoleChangeAsync(current, spec.Role).ConfigureAwait(false);
        await proposer.ProposeAsync([Versioned(current with { Spec = spec }, version)], cancellationToken).ConfigureAwait(false);
        return SwarmJson.ToElement(new Dictionary<string, object?>());
    }

    private Task CheckRoleChangeAsync(Node node, string role)
    {
        if (role == NodeRoles.Worker && State.Nodes.Values.Count(n => n.Spec.Role == NodeRoles.Manager) <= 1)
            throw BerthException.Invalid("attempting to demote the last manager of the swarm");
        throw BerthException.NotImplemented(
            $"changing the role of node {node.ID} (docker node promote/demote) is not supported yet by this version of Berth: join managers with the manager token instead");
    }

    private async Task RemoveNodeAsync(string idOrName, bool force, CancellationToken cancellationToken)
    {
        var node = ObjectLookup.Resolve<Node>(State, ObjectKind.Node, idOrName);
        if (node.Spec.Role == NodeRoles.Manager)
            throw BerthException.Invalid(
                $"node {node.ID} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal");
        if (!force && node.Status.State != NodeStates.Down)
            throw BerthException.Invalid($"node {node.ID} is not down and can't be removed"); // FailedPrecondition: 400 in Moby
        await proposer.ProposeAsync([StoreOp.Delete(ObjectKind.Node, node.ID)], cancellationToken).ConfigureAwait(false);
    }
}
