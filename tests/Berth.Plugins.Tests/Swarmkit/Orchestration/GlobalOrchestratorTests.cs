using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Tests.Swarmkit.Orchestration;

public class GlobalOrchestratorTests
{
    private ClusterSim sim = null!;

    [SetUp]
    public void SetUp() => sim = new ClusterSim();

    [Test]
    public void Run_GlobalService_OneTaskPerActiveNodeIncludingLateJoiner()
    {
        sim.AddNode("a");
        sim.AddNode("b");
        var service = sim.AddService("agent", global: true);
        sim.Converge();
        Assert.That(sim.RunningPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["a"] = 1, ["b"] = 1 }));
        Assert.That(sim.Tasks(service.ID).Select(t => t.Slot), Is.All.EqualTo(0));

        // A node joins: unknown at first (a task waits for it), ready after its first heartbeat.
        sim.AddNode("c", state: NodeStates.Unknown);
        sim.Converge();
        var waiting = sim.Tasks(service.ID).Single(t => t.NodeID == "c");
        Assert.That(waiting.Status.State, Is.EqualTo(TaskStates.Pending));
        Assert.That(waiting.Status.Err, Is.EqualTo("1 node not available for new tasks"));

        sim.SetNode("c", n => n with { Status = n.Status with { State = NodeStates.Ready } });
        sim.Pass();
        Assert.That(sim.State.Tasks[waiting.ID].Status.State, Is.EqualTo(TaskStates.Assigned));
        Assert.That(sim.State.Tasks[waiting.ID].Status.Message, Is.EqualTo("scheduler confirmed task can run on preassigned node"));
        sim.Converge();

        Assert.That(sim.RunningPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["a"] = 1, ["b"] = 1, ["c"] = 1 }));
    }

    [Test]
    public void Run_NodePaused_KeepsTaskButNoNewOne()
    {
        sim.AddNode("a");
        sim.AddNode("b", availability: NodeAvailability.Pause);
        var service = sim.AddService("agent", global: true);
        sim.Converge();
        Assert.That(sim.Tasks(service.ID).Select(t => t.NodeID), Is.EqualTo(new[] { "a" }));

        sim.SetNode("a", n => n with { Spec = n.Spec with { Availability = NodeAvailability.Pause } });
        sim.Converge();

        Assert.That(sim.RunningPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["a"] = 1 }));
    }

    [Test]
    public void Run_NodeDrained_TaskShutDown()
    {
        sim.AddNode("a");
        sim.AddNode("b");
        var service = sim.AddService("agent", global: true);
        sim.Converge();

        sim.SetNode("a", n => n with { Spec = n.Spec with { Availability = NodeAvailability.Drain } });
        sim.Run(TimeSpan.FromSeconds(10));

        Assert.That(sim.RunningPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["b"] = 1 }));
        Assert.That(sim.Live(service.ID).Select(t => t.NodeID), Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public void Run_NodeDown_TaskShutDownNotReplaced()
    {
        sim.AddNode("a");
        sim.AddNode("b");
        var service = sim.AddService("agent", global: true);
        sim.Converge();
        var onA = sim.Running(service.ID).Single(t => t.NodeID == "a");

        sim.SetNode("a", n => n with { Status = n.Status with { State = NodeStates.Down } });
        sim.Run(TimeSpan.FromSeconds(10));

        Assert.That(sim.State.Tasks[onA.ID].DesiredState, Is.EqualTo(TaskStates.Shutdown));
        Assert.That(sim.Live(service.ID).Select(t => t.NodeID), Is.EqualTo(new[] { "b" }));

        sim.SetNode("a", n => n with { Status = n.Status with { State = NodeStates.Ready } });
        sim.Converge();

        Assert.That(sim.RunningPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["a"] = 1, ["b"] = 1 }));
    }

    [Test]
    public void Run_Constraints_OnlyMatchingNodes()
    {
        sim.AddNode("a", role: NodeRoles.Manager);
        sim.AddNode("b");
        var service = sim.AddService("agent", global: true,
            template: ClusterSim.Template("busybox", placement: new Placement { Constraints = ["node.role==manager"] }));

        sim.Converge();

        Assert.That(sim.RunningPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["a"] = 1 }));
    }

    [Test]
    public void Run_TaskFailed_RestartedOnSameNode()
    {
        sim.AddNode("a");
        var service = sim.AddService("agent", global: true, template: ClusterSim.Template("busybox", restart: new RestartPolicy(Delay: 0)));
        sim.Converge();
        var first = sim.Running(service.ID).Single();

        sim.Report(first.ID, TaskStates.Failed);
        sim.Converge();

        var second = sim.Running(service.ID).Single();
        Assert.That(second.ID, Is.Not.EqualTo(first.ID));
        Assert.That(second.NodeID, Is.EqualTo("a"));
    }

    [Test]
    public void Run_NodeRemoved_ItsTasksDeleted()
    {
        sim.AddNode("a");
        sim.AddNode("b");
        var service = sim.AddService("agent", global: true);
        sim.Converge();

        sim.Apply(StoreOp.Delete(ObjectKind.Node, "a"));
        sim.Converge();

        Assert.That(sim.Tasks(service.ID).Select(t => t.NodeID), Is.EqualTo(new[] { "b" }));
    }
}
