using Berth.Plugins.Swarmkit.Membership;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;

namespace Berth.Plugins.Tests.Swarmkit.Membership;

public class RoleManagerTests
{
    private static Task Create(MemoryClusterStore store, Node node) =>
        store.ProposeAsync(new StoreCommand(DateTime.UtcNow, [StoreOp.Create(node)]), CancellationToken.None);

    [Test]
    public async Task RunAsync_PromotedAndDemotedNodes_ObservedRolesFollowSpecs()
    {
        await using var store = new MemoryClusterStore();
        await Create(store, new Node { ID = "up", Spec = new NodeSpec { Role = NodeRoles.Manager }, Role = NodeRoles.Worker });
        await Create(store, new Node
        {
            ID = "down",
            Spec = new NodeSpec { Role = NodeRoles.Worker },
            Role = NodeRoles.Manager,
            ManagerStatus = new ManagerStatus(false, "unreachable", "10.0.0.9:2377"),
        });
        await using var roles = new RoleManager(store, TimeProvider.System, TextWriter.Null);

        store.AnnounceLeadership();

        await Wait.Eventually(() => store.Current.Nodes["up"].Role == NodeRoles.Manager && store.Current.Nodes["down"].Role == NodeRoles.Worker, "both roles settled");
        Assert.That(store.Current.Nodes["down"].ManagerStatus, Is.Null);
    }

    [Test]
    public async Task RunAsync_SpecChangedAfterLeadershipStarted_Reconciled()
    {
        await using var store = new MemoryClusterStore();
        await using var roles = new RoleManager(store, TimeProvider.System, TextWriter.Null);
        store.AnnounceLeadership();
        await Create(store, new Node { ID = "w", Spec = new NodeSpec { Role = NodeRoles.Worker }, Role = NodeRoles.Worker });

        var node = store.Current.Nodes["w"];
        await store.ProposeAsync(new StoreCommand(DateTime.UtcNow, [StoreOp.Update(node with { Spec = node.Spec with { Role = NodeRoles.Manager } })]), CancellationToken.None);

        await Wait.Eventually(() => store.Current.Nodes["w"].Role == NodeRoles.Manager, "the promotion settled");
    }
}
