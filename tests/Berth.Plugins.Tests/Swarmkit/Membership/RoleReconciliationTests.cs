using System.Collections.Immutable;
using Berth.Plugins.Swarmkit.Membership;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;

namespace Berth.Plugins.Tests.Swarmkit.Membership;

public class RoleReconciliationTests
{
    private static readonly MemberInfo[] ThreeMembers = [new("a:1", true, true), new("b:1", false, true), new("c:1", false, true)];

    private static Node NodeOf(string id, string spec, string observed, string? address = null, string state = NodeStates.Ready) => new()
    {
        ID = id,
        Spec = new NodeSpec { Role = spec },
        Role = observed,
        Status = new NodeStatus(state),
        ManagerStatus = address is null ? null : new ManagerStatus(false, "reachable", address),
    };

    private static ClusterState WithNodes(params Node[] nodes) =>
        ClusterState.Empty with { Nodes = nodes.ToImmutableDictionary(n => n.ID) };

    [Test]
    public void Plan_RolesSettled_NoSteps()
    {
        var state = WithNodes(NodeOf("n1", NodeRoles.Manager, NodeRoles.Manager, "a:1"), NodeOf("n2", NodeRoles.Worker, NodeRoles.Worker));

        Assert.That(RoleReconciliation.Plan(state, ThreeMembers, "a:1"), Is.Empty);
    }

    [Test]
    public void Plan_LegacyNodeWithoutObservedRole_NoSteps()
    {
        var state = WithNodes(new Node { ID = "n1", Spec = new NodeSpec { Role = NodeRoles.Worker } });

        Assert.That(RoleReconciliation.Plan(state, ThreeMembers, "a:1"), Is.Empty);
    }

    [Test]
    public void Plan_WorkerPromoted_PromotesAtOnce()
    {
        var state = WithNodes(NodeOf("n2", NodeRoles.Manager, NodeRoles.Worker));

        Assert.That(RoleReconciliation.Plan(state, ThreeMembers, "a:1"), Is.EqualTo(new RoleStep[] { new PromoteStep(state.Nodes["n2"]) }));
    }

    [Test]
    public void Plan_DemotedFollowerStillMember_RemovesItFromRaft()
    {
        var state = WithNodes(NodeOf("n2", NodeRoles.Worker, NodeRoles.Manager, "b:1"));

        Assert.That(RoleReconciliation.Plan(state, ThreeMembers, "a:1"), Is.EqualTo(new RoleStep[] { new RemoveMemberStep(state.Nodes["n2"], "b:1") }));
    }

    [Test]
    public void Plan_DemotedLeaderItself_StepsDownFirst()
    {
        var state = WithNodes(NodeOf("n1", NodeRoles.Worker, NodeRoles.Manager, "a:1"));

        Assert.That(RoleReconciliation.Plan(state, ThreeMembers, "a:1").Single(), Is.TypeOf<StepDownStep>());
    }

    [Test]
    public void Plan_DemotedAndNoLongerMember_BecomesWorker()
    {
        var state = WithNodes(NodeOf("n4", NodeRoles.Worker, NodeRoles.Manager, "d:1"));

        Assert.That(RoleReconciliation.Plan(state, ThreeMembers, "a:1").Single(), Is.TypeOf<DemoteStep>());
    }

    [Test]
    public void Plan_RemovalWouldLoseQuorum_Blocked()
    {
        MemberInfo[] members = [new("a:1", true, true), new("b:1", false, true), new("c:1", false, false)];
        var state = WithNodes(NodeOf("n2", NodeRoles.Worker, NodeRoles.Manager, "b:1"), NodeOf("n3", NodeRoles.Manager, NodeRoles.Manager, "c:1", NodeStates.Down));

        Assert.That(RoleReconciliation.Plan(state, members, "a:1").Single(), Is.TypeOf<BlockedStep>());
    }

    [Test]
    public void Settled_Demoted_WorkerWithoutManagerStatus()
    {
        var settled = RoleReconciliation.Settled(NodeOf("n2", NodeRoles.Worker, NodeRoles.Manager, "b:1"));

        Assert.That(settled.Role, Is.EqualTo(NodeRoles.Worker));
        Assert.That(settled.ManagerStatus, Is.Null);
    }

    [Test]
    public void Settled_Promoted_ManagerKeepsAddress()
    {
        var settled = RoleReconciliation.Settled(NodeOf("n2", NodeRoles.Manager, NodeRoles.Worker, "b:1"));

        Assert.That(settled.Role, Is.EqualTo(NodeRoles.Manager));
        Assert.That(settled.ManagerStatus?.Addr, Is.EqualTo("b:1"));
    }
}
