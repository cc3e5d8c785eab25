using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Orchestration;
using Berth.Plugins.Swarmkit.Orchestration.Scheduling;
using Berth.Plugins.Swarmkit.Store;
using TaskStatus = Berth.Plugins.Swarmkit.Model.TaskStatus;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Tests.Swarmkit.Orchestration;

public class SchedulerTests
{
    private ClusterSim sim = null!;

    [SetUp]
    public void SetUp() => sim = new ClusterSim();

    private void AddPending(Service service, int count, string? nodeId = null)
    {
        var ops = new List<StoreOp>();
        for (var i = 1; i <= count; i++)
        {
            ops.Add(StoreOp.Create(new SwarmTask
            {
                ID = $"{service.ID}-t{i:D5}",
                ServiceID = service.ID,
                Slot = nodeId is null ? i : 0,
                NodeID = nodeId,
                Spec = service.Spec.TaskTemplate,
                Endpoint = new ServiceEndpoint { Spec = service.Spec.EndpointSpec, Ports = service.Spec.EndpointSpec?.Ports },
                Status = new TaskStatus { State = TaskStates.Pending, Message = OrchestrationMessages.PendingScheduling, Timestamp = sim.Now },
            }));
        }
        sim.Apply(ops);
    }

    private void Schedule() => sim.Apply(Scheduler.Schedule(sim.State, sim.Now));

    private Dictionary<string, int> AssignedPerNode(string serviceId) =>
        sim.Tasks(serviceId).Where(t => t.Status.State == TaskStates.Assigned).GroupBy(t => t.NodeID!).ToDictionary(g => g.Key, g => g.Count());

    private Service ServiceWith(TaskSpec template, EndpointSpec? endpoint = null)
    {
        // Created directly (not through the orchestrator) so only the scheduler acts on the tasks.
        var service = new Service { ID = "svc", Spec = new ServiceSpec { Name = "svc", TaskTemplate = template, EndpointSpec = endpoint } };
        sim.Apply(StoreOp.Create(service));
        return service;
    }

    [Test]
    public void Schedule_SixReplicasOnThreeNodes_TwoOnEach()
    {
        foreach (var id in new[] { "a", "b", "c" })
            sim.AddNode(id);
        var service = ServiceWith(ClusterSim.Template("busybox"));
        AddPending(service, 6);

        Schedule();

        Assert.That(AssignedPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["a"] = 2, ["b"] = 2, ["c"] = 2 }));
        var task = sim.Tasks(service.ID)[0];
        Assert.That(task.Status.Message, Is.EqualTo("scheduler assigned task to node"));
    }

    [Test]
    public void Schedule_NodeAlreadyBusy_NewTasksGoToEmptierNodes()
    {
        sim.AddNode("a");
        sim.AddNode("b");
        var service = ServiceWith(ClusterSim.Template("busybox"));
        AddPending(service, 2);
        Schedule();
        var more = Enumerable.Range(1, 2).Select(i => StoreOp.Create(new SwarmTask
        {
            ID = "late" + i, ServiceID = service.ID, Slot = 10 + i, Spec = service.Spec.TaskTemplate,
            Status = new TaskStatus { State = TaskStates.Pending, Timestamp = sim.Now },
        }));
        sim.Apply(more);

        Schedule();

        Assert.That(AssignedPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["a"] = 2, ["b"] = 2 }));
    }

    [Test]
    public void Schedule_ConstraintsMatchNoNode_StaysPendingWithExplanation()
    {
        foreach (var id in new[] { "a", "b", "c" })
            sim.AddNode(id);
        var service = ServiceWith(ClusterSim.Template("busybox", placement: new Placement { Constraints = ["node.labels.gpu==yes"] }));
        AddPending(service, 2);

        Schedule();

        Assert.That(sim.Tasks(service.ID).Select(t => t.Status.State), Is.All.EqualTo(TaskStates.Pending));
        Assert.That(sim.Tasks(service.ID).Select(t => t.Status.Err),
            Is.All.EqualTo("no suitable node (scheduling constraints not satisfied on 3 nodes)"));
    }

    [Test]
    public void Schedule_Unschedulable_SecondPassWritesNothing()
    {
        sim.AddNode("a", state: NodeStates.Down);
        var service = ServiceWith(ClusterSim.Template("busybox"));
        AddPending(service, 3);
        Schedule();

        var again = Scheduler.Schedule(sim.State, sim.Now + TimeSpan.FromSeconds(1));

        Assert.That(again, Is.Empty);
        Assert.That(sim.Tasks(service.ID)[0].Status.Err, Is.EqualTo("no suitable node (1 node not available for new tasks)"));
    }

    [Test]
    public void Schedule_ConstraintOnLabel_OnlyMatchingNodes()
    {
        sim.AddNode("a", labels: new() { ["zone"] = "east" });
        sim.AddNode("b", labels: new() { ["zone"] = "west" });
        sim.AddNode("c", labels: new() { ["zone"] = "east" });
        var service = ServiceWith(ClusterSim.Template("busybox", placement: new Placement { Constraints = ["node.labels.zone==east"] }));
        AddPending(service, 4);

        Schedule();

        Assert.That(AssignedPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["a"] = 2, ["c"] = 2 }));
    }

    [Test]
    public void Schedule_ReservationsExceedFree_InsufficientResources()
    {
        sim.AddNode("a", nanoCpus: 1_000_000_000);
        sim.AddNode("b", nanoCpus: 1_000_000_000);
        var resources = new ResourceRequirements { Reservations = new ResourceAmounts { NanoCPUs = 600_000_000 } };
        var service = ServiceWith(ClusterSim.Template("busybox", resources: resources));
        AddPending(service, 3);

        Schedule();

        Assert.That(AssignedPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["a"] = 1, ["b"] = 1 }));
        var left = sim.Tasks(service.ID).Single(t => t.Status.State == TaskStates.Pending);
        Assert.That(left.Status.Err, Is.EqualTo("no suitable node (insufficient resources on 2 nodes)"));
    }

    [Test]
    public void Schedule_ReservationsOfStoppedTasks_Freed()
    {
        sim.AddNode("a", memoryBytes: 1L << 30);
        var resources = new ResourceRequirements { Reservations = new ResourceAmounts { MemoryBytes = 700L << 20 } };
        var service = ServiceWith(ClusterSim.Template("busybox", resources: resources));
        sim.Apply(StoreOp.Create(new SwarmTask
        {
            ID = "old", ServiceID = service.ID, Slot = 9, NodeID = "a", Spec = service.Spec.TaskTemplate,
            Status = new TaskStatus { State = TaskStates.Failed, Timestamp = sim.Now },
        }));
        AddPending(service, 1);

        Schedule();

        Assert.That(AssignedPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["a"] = 1 }));
    }

    [Test]
    public void Schedule_MaxReplicasPerNode_LimitsAndExplains()
    {
        sim.AddNode("a");
        sim.AddNode("b");
        var service = ServiceWith(ClusterSim.Template("busybox", placement: new Placement { MaxReplicas = 1 }));
        AddPending(service, 3);

        Schedule();

        Assert.That(AssignedPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["a"] = 1, ["b"] = 1 }));
        Assert.That(sim.Tasks(service.ID).Single(t => t.NodeID is null).Status.Err, Is.EqualTo("no suitable node (max replicas per node limit exceed)"));
    }

    [Test]
    public void Schedule_HostPortInUse_OtherNode()
    {
        sim.AddNode("a");
        sim.AddNode("b");
        var endpoint = new EndpointSpec { Ports = [new PortConfig(TargetPort: 80, PublishedPort: 8080, PublishMode: "host")] };
        var service = ServiceWith(ClusterSim.Template("nginx"), endpoint);
        sim.Apply(StoreOp.Create(new SwarmTask
        {
            ID = "other", ServiceID = "other-svc", NodeID = "a", Spec = service.Spec.TaskTemplate,
            Endpoint = new ServiceEndpoint { Spec = endpoint, Ports = endpoint.Ports },
            Status = new TaskStatus { State = TaskStates.Running, Timestamp = sim.Now },
        }));
        AddPending(service, 2);

        Schedule();

        Assert.That(AssignedPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["b"] = 1 }));
        Assert.That(sim.Tasks(service.ID).Single(t => t.NodeID is null).Status.Err, Is.EqualTo("no suitable node (host-mode port already in use on 2 nodes)"));
    }

    [Test]
    public void Schedule_DrainedPausedDownNodes_NotUsed()
    {
        sim.AddNode("a", availability: NodeAvailability.Drain);
        sim.AddNode("b", availability: NodeAvailability.Pause);
        sim.AddNode("c", state: NodeStates.Down);
        sim.AddNode("d");
        var service = ServiceWith(ClusterSim.Template("busybox"));
        AddPending(service, 3);

        Schedule();

        Assert.That(AssignedPerNode(service.ID), Is.EquivalentTo(new Dictionary<string, int> { ["d"] = 3 }));
    }

    [Test]
    public void Schedule_SpreadPreference_BalancesLabelValuesFirst()
    {
        sim.AddNode("a1", labels: new() { ["zone"] = "a" });
        sim.AddNode("a2", labels: new() { ["zone"] = "a" });
        sim.AddNode("b1", labels: new() { ["zone"] = "b" });
        var placement = new Placement { Preferences = [new PlacementPreference(new SpreadOver("node.labels.zone"))] };
        var service = ServiceWith(ClusterSim.Template("busybox", placement: placement));
        AddPending(service, 4);

        Schedule();

        var perNode = AssignedPerNode(service.ID);
        Assert.That(perNode["b1"], Is.EqualTo(2));
        Assert.That(perNode.GetValueOrDefault("a1") + perNode.GetValueOrDefault("a2"), Is.EqualTo(2));
        Assert.That(perNode.GetValueOrDefault("a1"), Is.EqualTo(1));
    }

    [Test]
    public void Schedule_PreassignedTask_ConfirmedOnItsNodeOrExplained()
    {
        sim.AddNode("a");
        sim.AddNode("b", state: NodeStates.Unknown);
        var service = ServiceWith(ClusterSim.Template("busybox"));
        AddPending(service, 1, "a");
        sim.Apply(StoreOp.Create(new SwarmTask
        {
            ID = "on-b", ServiceID = service.ID, NodeID = "b", Spec = service.Spec.TaskTemplate,
            Status = new TaskStatus { State = TaskStates.Pending, Timestamp = sim.Now },
        }));

        Schedule();

        var onA = sim.Tasks(service.ID).Single(t => t.NodeID == "a");
        Assert.That(onA.Status.State, Is.EqualTo(TaskStates.Assigned));
        Assert.That(onA.Status.Message, Is.EqualTo("scheduler confirmed task can run on preassigned node"));
        var onB = sim.State.Tasks["on-b"];
        Assert.That(onB.Status.State, Is.EqualTo(TaskStates.Pending));
        Assert.That(onB.Status.Err, Is.EqualTo("1 node not available for new tasks"));
    }

    [Test]
    public void Schedule_PendingTaskDesiredShutdown_ShutDownNotPlaced()
    {
        sim.AddNode("a");
        var service = ServiceWith(ClusterSim.Template("busybox"));
        sim.Apply(StoreOp.Create(new SwarmTask
        {
            ID = "stale", ServiceID = service.ID, Slot = 1, Spec = service.Spec.TaskTemplate, DesiredState = TaskStates.Shutdown,
            Status = new TaskStatus { State = TaskStates.Pending, Timestamp = sim.Now },
        }));

        Schedule();

        Assert.That(sim.State.Tasks["stale"].Status.State, Is.EqualTo(TaskStates.Shutdown));
        Assert.That(sim.State.Tasks["stale"].NodeID, Is.Null);
    }

    [Test]
    public void Schedule_TenThousandTasksOnHundredNodes_EvenlySpread()
    {
        for (var i = 0; i < 100; i++)
            sim.AddNode($"node{i:D3}");
        var service = ServiceWith(ClusterSim.Template("busybox"));
        AddPending(service, 10_000);

        var ops = Scheduler.Schedule(sim.State, sim.Now);
        sim.Apply(ops);

        Assert.That(ops, Has.Count.EqualTo(10_000));
        Assert.That(AssignedPerNode(service.ID).Values, Is.All.EqualTo(100));
    }
}
