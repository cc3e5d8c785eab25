using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Tests.Swarmkit.Orchestration;

public class UpdaterTests
{
    private ClusterSim sim = null!;

    [SetUp]
    public void SetUp()
    {
        sim = new ClusterSim();
        foreach (var id in new[] { "a", "b", "c" })
            sim.AddNode(id);
    }

    private Service Deploy(long replicas, UpdateConfig? update = null, RestartPolicy? restart = null)
    {
        var service = sim.AddService("web", replicas, ClusterSim.Template("web:v1", restart: restart), update: update);
        sim.Converge();
        return service;
    }

    private void Release(string serviceId, string image) =>
        sim.UpdateService(serviceId, s => s with { TaskTemplate = s.TaskTemplate with { ContainerSpec = s.TaskTemplate.ContainerSpec! with { Image = image } } });

    private static string Image(SwarmTask t) => t.Spec.ContainerSpec!.Image;

    private int RunningWith(string serviceId, string image) => sim.Running(serviceId).Count(t => Image(t) == image);

    private UpdateStatus? Status(string serviceId) => sim.State.Services[serviceId].UpdateStatus;

    [Test]
    public void Run_RollingUpdate_BatchesOfParallelismSeparatedByDelay()
    {
        var service = Deploy(6, new UpdateConfig(Parallelism: 2, Delay: 10_000_000_000));
        var started = sim.Now;

        Release(service.ID, "web:v2");
        sim.Pass();

        Assert.That(Status(service.ID), Is.EqualTo(new UpdateStatus("updating", started, null, "update in progress")));
        Assert.That(sim.Tasks(service.ID).Count(t => Image(t) == "web:v2"), Is.EqualTo(2));

        sim.Converge();
        Assert.That(RunningWith(service.ID, "web:v2"), Is.EqualTo(2));
        Assert.That(RunningWith(service.ID, "web:v1"), Is.EqualTo(4));

        sim.Run(TimeSpan.FromSeconds(9));
        Assert.That(RunningWith(service.ID, "web:v2"), Is.EqualTo(2), "the delay holds the next batch");

        sim.Run(TimeSpan.FromSeconds(1));
        Assert.That(RunningWith(service.ID, "web:v2"), Is.EqualTo(4));

        sim.Run(TimeSpan.FromSeconds(10));
        Assert.That(RunningWith(service.ID, "web:v2"), Is.EqualTo(6));
        Assert.That(sim.Live(service.ID), Has.Count.EqualTo(6));
        Assert.That(Status(service.ID)!.State, Is.EqualTo("updating"), "the last batch is still delayed and monitored");

        // Delay (10 s) after the last batch, then a monitor period stretched to delay + 1 s.
        sim.Run(TimeSpan.FromSeconds(20));
        Assert.That(Status(service.ID)!.State, Is.EqualTo("updating"));
        sim.Run(TimeSpan.FromSeconds(1));
        var done = Status(service.ID)!;
        Assert.That(done.State, Is.EqualTo("completed"));
        Assert.That(done.Message, Is.EqualTo("update completed"));
        Assert.That(done.StartedAt, Is.EqualTo(started));
        Assert.That(done.CompletedAt, Is.EqualTo(started + TimeSpan.FromSeconds(41)));
    }

    [Test]
    public void Run_ParallelismZero_AllSlotsAtOnce()
    {
        var service = Deploy(5, new UpdateConfig(Parallelism: 0));

        Release(service.ID, "web:v2");
        sim.Pass();

        Assert.That(sim.Tasks(service.ID).Count(t => Image(t) == "web:v2"), Is.EqualTo(5));
    }

    [Test]
    public void Run_StopFirst_NewTaskStartsOnlyOnceOldStopped()
    {
        var service = Deploy(1);
        var old = sim.Running(service.ID).Single();

        Release(service.ID, "web:v2");
        sim.Pass();

        var fresh = sim.Tasks(service.ID).Single(t => t.ID != old.ID);
        Assert.That(sim.State.Tasks[old.ID].DesiredState, Is.EqualTo(TaskStates.Shutdown));
        Assert.That(fresh.DesiredState, Is.EqualTo(TaskStates.Ready));
        Assert.That(fresh.Slot, Is.EqualTo(old.Slot));
        sim.Settle();
        Assert.That(sim.State.Tasks[fresh.ID].DesiredState, Is.EqualTo(TaskStates.Ready), "old task still running");

        sim.Converge();

        Assert.That(sim.State.Tasks[old.ID].Status.State, Is.EqualTo(TaskStates.Shutdown));
        Assert.That(sim.State.Tasks[fresh.ID].Status.State, Is.EqualTo(TaskStates.Running));
    }

    [Test]
    public void Run_StartFirst_OldTaskKeptUntilNewRuns()
    {
        var service = Deploy(1, new UpdateConfig(Order: "start-first"));
        var old = sim.Running(service.ID).Single();

        Release(service.ID, "web:v2");
        sim.Settle();
        var fresh = sim.Tasks(service.ID).Single(t => t.ID != old.ID);
        Assert.That(fresh.DesiredState, Is.EqualTo(TaskStates.Running));
        Assert.That(sim.State.Tasks[old.ID].DesiredState, Is.EqualTo(TaskStates.Running));

        sim.AgentStep();
        sim.AgentStep();
        Assert.That(sim.Running(service.ID).Select(t => t.ID), Is.EquivalentTo(new[] { old.ID, fresh.ID }), "both run for a moment");
        sim.Pass();
        Assert.That(sim.State.Tasks[old.ID].DesiredState, Is.EqualTo(TaskStates.Shutdown));

        sim.Converge();
        Assert.That(sim.Running(service.ID).Single().ID, Is.EqualTo(fresh.ID));
    }

    [Test]
    public void Run_NewTasksFail_UpdatePaused()
    {
        var service = Deploy(3);
        sim.Outcome = t => Image(t) == "web:v2" ? TaskStates.Failed : null;

        Release(service.ID, "web:v2");
        sim.Converge();

        var status = Status(service.ID)!;
        Assert.That(status.State, Is.EqualTo("paused"));
        var failed = sim.Tasks(service.ID).First(t => Image(t) == "web:v2" && t.Status.State == TaskStates.Failed);
        Assert.That(status.Message, Is.EqualTo($"update paused due to failure or early termination of task {failed.ID}"));

        // With no delay the next slot was already under way when the failure was seen (as in swarmkit); no more after it.
        var stillOld = RunningWith(service.ID, "web:v1");
        Assert.That(stillOld, Is.GreaterThanOrEqualTo(1));
        sim.Run(TimeSpan.FromSeconds(30));
        Assert.That(RunningWith(service.ID, "web:v1"), Is.EqualTo(stillOld), "no further slot is updated while paused");
        Assert.That(Status(service.ID)!.State, Is.EqualTo("paused"));
    }

    [Test]
    public void Run_PausedThenNewSpec_UpdateResumes()
    {
        var service = Deploy(3);
        sim.Outcome = t => Image(t) == "web:v2" ? TaskStates.Failed : null;
        Release(service.ID, "web:v2");
        sim.Converge();
        Assert.That(Status(service.ID)!.State, Is.EqualTo("paused"));

        Release(service.ID, "web:v3");
        sim.Run(TimeSpan.FromSeconds(30));

        Assert.That(RunningWith(service.ID, "web:v3"), Is.EqualTo(3));
        Assert.That(Status(service.ID)!.State, Is.EqualTo("completed"));
    }

    [Test]
    public void Run_FailureWithinRatio_UpdateContinues()
    {
        var service = Deploy(3, new UpdateConfig(MaxFailureRatio: 0.5, Monitor: 1_000_000_000));
        var failures = 0;
        sim.Outcome = t => Image(t) == "web:v2" && failures++ == 0 ? TaskStates.Failed : null;

        Release(service.ID, "web:v2");
        sim.Run(TimeSpan.FromSeconds(30));

        Assert.That(RunningWith(service.ID, "web:v2"), Is.EqualTo(3));
        Assert.That(Status(service.ID)!.State, Is.EqualTo("completed"));
    }

    [Test]
    public void Run_NewTasksFailWithRollbackAction_RolledBackToPreviousSpec()
    {
        var service = Deploy(3, new UpdateConfig(FailureAction: "rollback"));
        var v1 = sim.State.Services[service.ID].Spec;
        sim.Outcome = t => Image(t) == "web:v2" ? TaskStates.Failed : null;

        Release(service.ID, "web:v2");
        sim.Converge();

        var rolling = sim.State.Services[service.ID];
        Assert.That(rolling.UpdateStatus!.State, Is.EqualTo("rollback_started"));
        Assert.That(rolling.UpdateStatus.Message, Does.StartWith("update rolled back due to failure or early termination of task "));
        Assert.That(rolling.Spec, Is.SameAs(v1));
        Assert.That(rolling.PreviousSpec, Is.Null);

        sim.Run(TimeSpan.FromSeconds(30));

        var done = sim.State.Services[service.ID].UpdateStatus!;
        Assert.That(done.State, Is.EqualTo("rollback_completed"));
        Assert.That(done.Message, Is.EqualTo("rollback completed"));
        Assert.That(RunningWith(service.ID, "web:v1"), Is.EqualTo(3));
        Assert.That(sim.Live(service.ID).Select(Image), Is.All.EqualTo("web:v1"));
    }

    [Test]
    public void Run_ManualRollback_DrivesPreviousSpecToRollbackCompleted()
    {
        var service = Deploy(2);
        Release(service.ID, "web:v2");
        sim.Run(TimeSpan.FromSeconds(30));
        Assert.That(Status(service.ID)!.State, Is.EqualTo("completed"));

        // What the control API does for `docker service rollback`.
        var current = sim.State.Services[service.ID];
        sim.Apply(StoreOp.Update(current with
        {
            Spec = current.PreviousSpec!,
            PreviousSpec = current.Spec,
            UpdateStatus = new UpdateStatus(UpdateStates.RollbackStarted, sim.Now, null, "manually requested rollback"),
        }));
        sim.Run(TimeSpan.FromSeconds(30));

        Assert.That(Status(service.ID)!.State, Is.EqualTo("rollback_completed"));
        Assert.That(RunningWith(service.ID, "web:v1"), Is.EqualTo(2));
    }

    [Test]
    public void Run_ForceUpdate_ReplacesEveryTask()
    {
        var service = Deploy(2);
        var before = sim.Running(service.ID).Select(t => t.ID).ToList();

        sim.UpdateService(service.ID, s => s with { TaskTemplate = s.TaskTemplate with { ForceUpdate = 1 } });
        sim.Run(TimeSpan.FromSeconds(20));

        Assert.That(sim.Running(service.ID).Select(t => t.ID), Has.None.AnyOf(before.ToArray()));
        Assert.That(sim.Running(service.ID), Has.Count.EqualTo(2));
    }

    [Test]
    public void Run_ScaleOnly_NoUpdateStatus()
    {
        var service = Deploy(2);

        sim.UpdateService(service.ID, s => s with { Mode = new ServiceMode { Replicated = new ReplicatedMode(3) } });
        sim.Run(TimeSpan.FromSeconds(10));

        Assert.That(Status(service.ID), Is.Null);
        Assert.That(sim.Running(service.ID), Has.Count.EqualTo(3));
    }

    [Test]
    public void Run_PlacementOnlyChangeStillSatisfied_TasksKept()
    {
        var service = Deploy(2);
        var before = sim.Running(service.ID).Select(t => t.ID).ToList();

        sim.UpdateService(service.ID, s => s with { TaskTemplate = s.TaskTemplate with { Placement = new Placement { Constraints = ["node.role==worker"] } } });
        sim.Run(TimeSpan.FromSeconds(10));

        Assert.That(sim.Running(service.ID).Select(t => t.ID), Is.EquivalentTo(before));
    }

    [Test]
    public void Run_PublishedPortAdded_TasksRedeployed()
    {
        var service = Deploy(1);
        var before = sim.Running(service.ID).Single().ID;

        sim.UpdateService(service.ID, s => s with
        {
            EndpointSpec = new EndpointSpec { Ports = [new PortConfig(TargetPort: 80, PublishedPort: 8080, PublishMode: "host")] },
        });
        sim.Run(TimeSpan.FromSeconds(10));

        Assert.That(sim.Running(service.ID).Single().ID, Is.Not.EqualTo(before));
        Assert.That(sim.Running(service.ID).Single().Endpoint!.Spec!.Ports, Has.Count.EqualTo(1));
    }

    [Test]
    public void Run_LeaderChangeMidUpdate_NewLeaderFinishesIt()
    {
        var service = Deploy(4, new UpdateConfig(Delay: 5_000_000_000));
        Release(service.ID, "web:v2");
        sim.Converge();
        Assert.That(RunningWith(service.ID, "web:v2"), Is.EqualTo(1));

        sim.NewLeader();
        sim.Run(TimeSpan.FromSeconds(60));

        Assert.That(RunningWith(service.ID, "web:v2"), Is.EqualTo(4));
        Assert.That(Status(service.ID)!.State, Is.EqualTo("completed"));
    }
}
