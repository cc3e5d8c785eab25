using System.Collections.Immutable;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;

namespace Berth.Plugins.Tests.Swarmkit.Store;

public class QuorumGuardTests
{
    private static MemberInfo Member(string address, bool reachable, bool leader = false) => new(address, leader, reachable);

    private static ClusterState WithNodes(params Node[] nodes) =>
        ClusterState.Empty with { Nodes = nodes.ToImmutableDictionary(n => n.ID) };

    private static Node Manager(string id, string address, string state) =>
        new() { ID = id, Spec = new NodeSpec { Role = NodeRoles.Manager }, Status = new NodeStatus(state), ManagerStatus = new ManagerStatus(false, "reachable", address) };

    [Test]
    public void CanRemove_ThreeReachable_True()
    {
        var members = new[] { Member("a:1", true, leader: true), Member("b:1", true), Member("c:1", true) };

        Assert.That(QuorumGuard.CanRemove(members, "c:1", ClusterState.Empty), Is.True);
    }

    [Test]
    public void CanRemove_LiveMemberWhileAnotherIsDown_False()
    {
        var members = new[] { Member("a:1", true, leader: true), Member("b:1", true), Member("c:1", false) };

        Assert.That(QuorumGuard.CanRemove(members, "b:1", ClusterState.Empty), Is.False);
    }

    [Test]
    public void CanRemove_TheDownMember_True()
    {
        var members = new[] { Member("a:1", true, leader: true), Member("b:1", true), Member("c:1", false) };

        Assert.That(QuorumGuard.CanRemove(members, "c:1", ClusterState.Empty), Is.True);
    }

    [Test]
    public void CanRemove_TwoMembersOneDown_RemovingTheLiveOneFalse()
    {
        var members = new[] { Member("a:1", true, leader: true), Member("b:1", false) };

        Assert.That(QuorumGuard.CanRemove(members, "a:1", ClusterState.Empty), Is.False);
        Assert.That(QuorumGuard.CanRemove(members, "b:1", ClusterState.Empty), Is.True);
    }

    [Test]
    public void CanRemove_FollowersViewWithReadyNodes_CountsHeartbeatsAsReachable()
    {
        var members = new[] { Member("a:1", true, leader: true), Member("b:1", true), Member("c:1", false) };
        var state = WithNodes(Manager("n3", "c:1", NodeStates.Ready));

        Assert.That(QuorumGuard.CanRemove(members, "b:1", state), Is.True);
    }

    [Test]
    public void CanRemove_NotAMember_True()
    {
        Assert.That(QuorumGuard.CanRemove([Member("a:1", true, leader: true)], "z:1", ClusterState.Empty), Is.True);
    }
}
