using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using TaskStatus = Berth.Plugins.Swarmkit.Model.TaskStatus;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Tests.Swarmkit.Orchestration;

public class ReplicatedOrchestratorTests
{
    private ClusterSim sim = null!;

    [SetUp]
    public void SetUp() => sim = new ClusterSim();

    [Test]
    public void Run_NewService_OneTaskPerSlotAssigned()
    {
        sim.AddNode("a");
        var service = sim.AddService("web", replicas: 3);

        sim.Pass();

        var tasks = sim.Tasks(service.ID);
        Assert.That(tasks.Select(t => t.Slot), Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(tasks.Select(t => t.DesiredState), Is.All.EqualTo(TaskStates.Running));
        Assert.That(tasks.Select(t => t.Status.State), Is.All.EqualTo(TaskStates.Assigned));
        Assert.That(tasks.Select(t => t.Spec), Is.All.SameAs(service.Spec.TaskTemplate));
        Assert.That(tasks.Select(t => t.ID.Length), Is.All.EqualTo(25));
    }

    [Test]
    public void Run_NoNode_TasksPendingWithSchedulingMessage()
    {
        var service = sim.AddService("web", replicas: 2);

        sim.Settle();

        var tasks = sim.Tasks(service.ID);
        Assert.That(tasks.Select(t => t.Status.State), Is.All.EqualTo(TaskStates.Pending));
        Assert.That(tasks.Select(t => t.Status.Message), Is.All.EqualTo("pending task scheduling"));
        Assert.That(tasks.Select(t => t.Status.Err), Is.All.EqualTo("no suitable node"));
    }

    [Test]
    public void Run_SixReplicasThreeNodes_SpreadTwoEach()
    {
        foreach (var id in new[] { "a", "b", "c" })
            sim.AddNode(id);
        var service = sim.AddService("web", replicas: 6);

        sim.Converge();

        Assert.That(sim.RunningPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["a"] = 2, ["b"] = 2, ["c"] = 2 }));
    }

    [Test]
    public void Run_ScaleUp_AddsMissingSlotsOnly()
    {
        sim.AddNode("a");
        var service = sim.AddService("web", replicas: 2);
        sim.Converge();
        var before = sim.Tasks(service.ID).Select(t => t.ID).ToList();

        sim.UpdateService(service.ID, s => s with { Mode = new ServiceMode { Replicated = new ReplicatedMode(4) } });
        sim.Converge();

        Assert.That(sim.Running(service.ID).Select(t => t.Slot), Is.EqualTo(new long[] { 1, 2, 3, 4 }));
        Assert.That(sim.Running(service.ID).Select(t => t.ID), Is.SupersetOf(before));
    }

    [Test]
    public void Run_ScaleDown_MostLoadedNodeLosesFirst()
    {
        sim.AddNode("a");
        sim.AddNode("b");
        var service = sim.AddService("web", replicas: 4);
        // Slots 1-3 on a, slot 4 on b, all running.
        sim.Apply(new[] { 1, 2, 3, 4 }.Select(slot => StoreOp.Create(new SwarmTask
        {
            ID = $"t{slot}", ServiceID = service.ID, Slot = slot, NodeID = slot == 4 ? "b" : "a", Spec = service.Spec.TaskTemplate,
            Status = new TaskStatus { State = TaskStates.Running, Timestamp = sim.Now },
        })));

        sim.UpdateService(service.ID, s => s with { Mode = new ServiceMode { Replicated = new ReplicatedMode(2) } });
        sim.Pass();

        var removed = sim.Tasks(service.ID).Where(t => t.DesiredState == TaskStates.Remove).Select(t => t.ID);
        Assert.That(removed, Is.EquivalentTo(new[] { "t2", "t3" }));
    }

    [Test]
    public void Run_ScaleDown_NotRunningTasksGoFirst()
    {
        sim.AddNode("a");
        var service = sim.AddService("web", replicas: 3);
        sim.Apply(new[] { 1, 2, 3 }.Select(slot => StoreOp.Create(new SwarmTask
        {
            ID = $"t{slot}", ServiceID = service.ID, Slot = slot, NodeID = "a", Spec = service.Spec.TaskTemplate,
            Status = new TaskStatus { State = slot == 1 ? TaskStates.Preparing : TaskStates.Running, Timestamp = sim.Now },
        })));

        sim.UpdateService(service.ID, s => s with { Mode = new ServiceMode { Replicated = new ReplicatedMode(2) } });
        sim.Pass();

        Assert.That(sim.Tasks(service.ID).Single(t => t.DesiredState == TaskStates.Remove).ID, Is.EqualTo("t1"));
    }

    [Test]
    public void Run_ScaledDownTasksStopped_Deleted()
    {
        sim.AddNode("a");
        var service = sim.AddService("web", replicas: 3);
        sim.Converge();

        sim.UpdateService(service.ID, s => s with { Mode = new ServiceMode { Replicated = new ReplicatedMode(1) } });
        sim.Converge();

        Assert.That(sim.Tasks(service.ID), Has.Count.EqualTo(1));
        Assert.That(sim.Tasks(service.ID)[0].Status.State, Is.EqualTo(TaskStates.Running));
    }

    [Test]
    public void Run_NodeDrained_TasksMoveToOtherNode()
    {
        sim.AddNode("a");
        sim.AddNode("b");
        var service = sim.AddService("web", replicas: 2);
        sim.Converge();
        var onA = sim.Running(service.ID).Single(t => t.NodeID == "a");

        sim.SetNode("a", n => n with { Spec = n.Spec with { Availability = NodeAvailability.Drain } });
        sim.Converge();

        Assert.That(sim.State.Tasks[onA.ID].DesiredState, Is.EqualTo(TaskStates.Shutdown));
        Assert.That(sim.State.Tasks[onA.ID].Status.State, Is.EqualTo(TaskStates.Shutdown));
        Assert.That(sim.RunningPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["b"] = 2 }));
        Assert.That(sim.Running(service.ID).Select(t => t.Slot), Is.EquivalentTo(new long[] { 1, 2 }));
    }

    [Test]
    public void Run_NodeDown_TasksRestartedElsewhereAfterRestartDelay()
    {
        sim.AddNode("a");
        sim.AddNode("b");
        var service = sim.AddService("web", replicas: 2);
        sim.Converge();
        var onA = sim.Running(service.ID).Single(t => t.NodeID == "a");

        sim.SetNode("a", n => n with { Status = n.Status with { State = NodeStates.Down } });
        sim.Converge();

        var replacement = sim.Tasks(service.ID).Single(t => t.Slot == onA.Slot && t.ID != onA.ID);
        Assert.That(sim.State.Tasks[onA.ID].DesiredState, Is.EqualTo(TaskStates.Shutdown));
        Assert.That(replacement.NodeID, Is.EqualTo("b"));
        Assert.That(replacement.DesiredState, Is.EqualTo(TaskStates.Ready));
        Assert.That(sim.Last!.WakeAt, Is.EqualTo(sim.Now + TimeSpan.FromSeconds(5)));

        sim.Run(TimeSpan.FromSeconds(5));

        Assert.That(sim.State.Tasks[replacement.ID].Status.State, Is.EqualTo(TaskStates.Running));
        // The old task still reads RUNNING: its node is down and cannot report. It is no longer meant to run.
        Assert.That(sim.Live(service.ID).Select(t => t.NodeID), Is.All.EqualTo("b"));
        Assert.That(sim.Live(service.ID), Has.Count.EqualTo(2));
    }

    [Test]
    public void Run_NodeComesBack_TasksStayWhereTheyAre()
    {
        sim.AddNode("a");
        sim.AddNode("b");
        var service = sim.AddService("web", replicas: 2);
        sim.Converge();
        sim.SetNode("a", n => n with { Status = n.Status with { State = NodeStates.Down } });
        sim.Run(TimeSpan.FromSeconds(6));

        sim.SetNode("a", n => n with { Status = n.Status with { State = NodeStates.Ready } });
        sim.Run(TimeSpan.FromSeconds(10));

        // Swarm never moves healthy tasks back; the old copy on a is stopped once a reports again.
        Assert.That(sim.RunningPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["b"] = 2 }));
    }

    [Test]
    public void Run_ServiceRemoved_TasksRemovedThenDeleted()
    {
        sim.AddNode("a");
        var service = sim.AddService("web", replicas: 2);
        sim.Converge();

        sim.Apply(StoreOp.Delete(ObjectKind.Service, service.ID));
        sim.Pass();

        Assert.That(sim.Tasks(service.ID).Select(t => t.DesiredState), Is.All.EqualTo(TaskStates.Remove));

        sim.Converge();

        Assert.That(sim.Tasks(service.ID), Is.Empty);
    }

    [Test]
    public void Run_NothingChanged_WritesNothing()
    {
        sim.AddNode("a");
        sim.AddNode("b");
        sim.AddService("web", replicas: 3);
        sim.Converge();

        Assert.That(sim.Pass(), Is.Zero);
    }

    [Test]
    public void Run_LabelRemovedUnderTask_ConstraintEnforcerRejectsAndReplaces()
    {
        sim.AddNode("a", labels: new() { ["ssd"] = "true" });
        sim.AddNode("b", labels: new() { ["ssd"] = "true" });
        var service = sim.AddService("db", replicas: 1,
            template: ClusterSim.Template("postgres", placement: new Placement { Constraints = ["node.labels.ssd==true"] }));
        sim.Converge();
        var first = sim.Running(service.ID).Single();
        var other = first.NodeID == "a" ? "b" : "a";

        sim.SetNode(first.NodeID!, n => n with { Spec = n.Spec with { Labels = null } });
        sim.Pass();

        var rejected = sim.State.Tasks[first.ID];
        Assert.That(rejected.Status.State, Is.EqualTo(TaskStates.Rejected));
        Assert.That(rejected.Status.Message, Is.EqualTo("task rejected by constraint enforcer"));
        Assert.That(rejected.Status.Err, Is.EqualTo("assigned node no longer meets constraints"));

        sim.Run(TimeSpan.FromSeconds(6));

        Assert.That(sim.Running(service.ID).Single().NodeID, Is.EqualTo(other));
    }
}
