using System.Text.Json;
using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Rpc;
using Berth.Plugins.Swarmkit.Security;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;

namespace Berth.Plugins.Tests.Swarmkit.Control;

public class ControlApiNodesTests
{
    private MemoryClusterStore store = null!;
    private RpcClient rpc = null!;
    private ControlApi api = null!;
    private MemberInfo[] members = [];

    [SetUp]
    public void SetUp()
    {
        store = new MemoryClusterStore();
        rpc = new RpcClient((_, _) => throw new IOException("no network in unit tests"));
        var proposer = new ForwardingProposer(store, new LeaderCalls(store, rpc), TimeProvider.System);
        api = new ControlApi(proposer, new ObjectViews(_ => null), new BoxSealer(() => new SecretBox(SecretBox.GenerateKey())), TimeProvider.System, () => members);
    }

    [TearDown]
    public async Task TearDown()
    {
        await rpc.DisposeAsync();
        await store.DisposeAsync();
    }

    private async Task AddAsync(string id, string role, string? address = null, string state = NodeStates.Ready) =>
        await store.ProposeAsync(new StoreCommand(DateTime.UtcNow, [StoreOp.Create(new Node
        {
            ID = id,
            Spec = new NodeSpec { Role = role },
            Role = role,
            Status = new NodeStatus(state),
            ManagerStatus = address is null ? null : new ManagerStatus(false, "reachable", address),
        })]), CancellationToken.None);

    private Task UpdateRoleAsync(string id, string role)
    {
        var node = store.Current.Nodes[id];
        var spec = JsonSerializer.SerializeToElement(node.Spec with { Role = role }, SwarmJson.Options);
        return api.UpdateAsync("nodes", id, node.Version.Index, spec, CancellationToken.None);
    }

    [Test]
    public async Task UpdateAsync_DemoteLastManager_Refused()
    {
        await AddAsync("m1", NodeRoles.Manager, "a:1");
        await AddAsync("w1", NodeRoles.Worker);

        var e = Assert.ThrowsAsync<BerthException>(() => UpdateRoleAsync("m1", NodeRoles.Worker));

        Assert.That(e!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(e.Message, Is.EqualTo("attempting to demote the last manager of the swarm"));
        Assert.That(store.Current.Nodes["m1"].Spec.Role, Is.EqualTo(NodeRoles.Manager));
    }

    [Test]
    public async Task UpdateAsync_DemoteWhenQuorumWouldBeLost_Refused()
    {
        await AddAsync("m1", NodeRoles.Manager, "a:1");
        await AddAsync("m2", NodeRoles.Manager, "b:1");
        await AddAsync("m3", NodeRoles.Manager, "c:1", NodeStates.Down);
        members = [new("a:1", true, true), new("b:1", false, true), new("c:1", false, false)];

        var e = Assert.ThrowsAsync<BerthException>(() => UpdateRoleAsync("m2", NodeRoles.Worker));

        Assert.That(e!.Message, Is.EqualTo("can't remove member from the raft: this would result in a loss of quorum"));
    }

    [Test]
    public async Task UpdateAsync_Demote_SpecChangesAndObservedRoleWaitsForTheLeader()
    {
        await AddAsync("m1", NodeRoles.Manager, "a:1");
        await AddAsync("m2", NodeRoles.Manager, "b:1");
        members = [new("a:1", true, true), new("b:1", false, true)];

        await UpdateRoleAsync("m2", NodeRoles.Worker);

        Assert.That(store.Current.Nodes["m2"].Spec.Role, Is.EqualTo(NodeRoles.Worker));
        Assert.That(store.Current.Nodes["m2"].ObservedRole, Is.EqualTo(NodeRoles.Manager));
    }

    [Test]
    public async Task UpdateAsync_PromoteLegacyNode_ObservedRolePinnedToWorker()
    {
        await store.ProposeAsync(new StoreCommand(DateTime.UtcNow, [StoreOp.Create(new Node { ID = "w1", Spec = new NodeSpec { Role = NodeRoles.Worker } })]), CancellationToken.None);

        await UpdateRoleAsync("w1", NodeRoles.Manager);

        Assert.That(store.Current.Nodes["w1"].Spec.Role, Is.EqualTo(NodeRoles.Manager));
        Assert.That(store.Current.Nodes["w1"].Role, Is.EqualTo(NodeRoles.Worker));
    }

    [Test]
    public async Task Get_Node_ObservedRoleNotShown()
    {
        await AddAsync("m1", NodeRoles.Manager, "a:1");

        var rendered = api.Get("nodes", "m1");

        Assert.That(rendered.TryGetProperty("Role", out _), Is.False);
    }

    [Test]
    public async Task RemoveAsync_DemotionInProgress_Refused()
    {
        await AddAsync("m1", NodeRoles.Manager, "a:1");
        await AddAsync("m2", NodeRoles.Manager, "b:1");
        await UpdateRoleAsync("m2", NodeRoles.Worker);

        var e = Assert.ThrowsAsync<BerthException>(() => api.RemoveAsync("nodes", "m2", force: true, CancellationToken.None));

        Assert.That(e!.Message, Does.Contain("It must be demoted to worker before removal"));
    }
}
