using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using TaskStatus = Berth.Plugins.Swarmkit.Model.TaskStatus;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Tests.Swarmkit.Orchestration;

public class TaskReaperTests
{
    private ClusterSim sim = null!;

    [SetUp]
    public void SetUp()
    {
        sim = new ClusterSim();
        sim.AddNode("a");
    }

    private void Retention(long limit) =>
        sim.Apply(StoreOp.Update(sim.State.Cluster! with { Spec = sim.State.Cluster!.Spec with { Orchestration = new OrchestrationConfig(limit) } }));

    private void History(Service service, long slot, int failed)
    {
        sim.Apply(Enumerable.Range(1, failed).Select(i => StoreOp.Create(new SwarmTask
        {
            ID = $"old-{slot}-{i}", ServiceID = service.ID, Slot = slot, NodeID = "a", Spec = service.Spec.TaskTemplate,
            DesiredState = TaskStates.Shutdown,
            Status = new TaskStatus { State = TaskStates.Failed, Timestamp = sim.Now.AddMinutes(-60 + i) },
        })));
    }

    [Test]
    public void Run_MoreThanRetentionLimit_OldestStoppedTasksDeleted()
    {
        Retention(3);
        var service = sim.AddService("web", replicas: 2);
        sim.Converge();
        History(service, 1, 5);
        History(service, 2, 1);

        sim.Pass();

        var slot1 = sim.Tasks(service.ID).Where(t => t.Slot == 1).Select(t => t.ID).ToList();
        Assert.That(slot1, Has.Count.EqualTo(3));
        Assert.That(slot1, Does.Contain("old-1-4").And.Contain("old-1-5"));
        Assert.That(sim.Tasks(service.ID).Count(t => t.Slot == 2), Is.EqualTo(2));
        Assert.That(sim.Running(service.ID), Has.Count.EqualTo(2));
    }

    [Test]
    public void Run_DefaultLimit_FivePerSlot()
    {
        var service = sim.AddService("web", replicas: 1);
        sim.Converge();
        History(service, 1, 8);

        sim.Pass();

        Assert.That(sim.Tasks(service.ID), Has.Count.EqualTo(5));
    }

    [Test]
    public void Run_NegativeLimit_KeepsEverything()
    {
        Retention(-1);
        var service = sim.AddService("web", replicas: 1);
        sim.Converge();
        History(service, 1, 8);

        sim.Pass();

        Assert.That(sim.Tasks(service.ID), Has.Count.EqualTo(9));
    }

    [Test]
    public void Run_MaxAttemptsSet_KeepsAttemptsPlusOne()
    {
        var service = sim.AddService("web", replicas: 1, template: ClusterSim.Template("busybox", restart: new RestartPolicy(MaxAttempts: 7)));
        sim.Converge();
        History(service, 1, 10);

        sim.Pass();

        Assert.That(sim.Tasks(service.ID), Has.Count.EqualTo(8));
    }

    [Test]
    public void Run_GlobalService_RetentionPerNode()
    {
        Retention(2);
        var service = sim.AddService("agent", global: true);
        sim.Converge();
        History(service, 0, 4);

        sim.Pass();

        Assert.That(sim.Tasks(service.ID), Has.Count.EqualTo(2));
        Assert.That(sim.Running(service.ID), Has.Count.EqualTo(1));
    }

    [Test]
    public void Run_DesiredRemoveNeverAssigned_DeletedAtOnce()
    {
        var service = sim.AddService("web", replicas: 1);
        sim.Apply(StoreOp.Create(new SwarmTask
        {
            ID = "never", ServiceID = service.ID, Slot = 7, DesiredState = TaskStates.Remove, Spec = service.Spec.TaskTemplate,
            Status = new TaskStatus { State = TaskStates.Pending, Timestamp = sim.Now },
        }));

        sim.Pass();

        Assert.That(sim.State.Tasks.ContainsKey("never"), Is.False);
    }

    [Test]
    public void Run_DesiredRemoveStillRunning_KeptUntilStopped()
    {
        var service = sim.AddService("web", replicas: 1);
        sim.Converge();
        sim.Apply(StoreOp.Delete(ObjectKind.Service, service.ID));
        sim.Settle();
        Assert.That(sim.Tasks(service.ID), Has.Count.EqualTo(1));

        sim.AgentStep();
        sim.Settle();

        Assert.That(sim.Tasks(service.ID), Is.Empty);
    }
}
