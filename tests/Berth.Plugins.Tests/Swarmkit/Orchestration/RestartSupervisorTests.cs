using Berth.Plugins.Swarmkit.Model;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Tests.Swarmkit.Orchestration;

public class RestartSupervisorTests
{
    private ClusterSim sim = null!;

    [SetUp]
    public void SetUp()
    {
        sim = new ClusterSim();
        sim.AddNode("a");
    }

    private Service Start(RestartPolicy? policy)
    {
        var service = sim.AddService("job", replicas: 1, template: ClusterSim.Template("busybox", restart: policy));
        sim.Converge();
        return service;
    }

    [Test]
    public void Run_TaskFailed_ReplacementHeldForRestartDelay()
    {
        var service = Start(new RestartPolicy(Delay: 3_000_000_000));
        var first = sim.Running(service.ID).Single();

        sim.Report(first.ID, TaskStates.Failed);
        sim.Converge();

        var replacement = sim.Tasks(service.ID).Single(t => t.ID != first.ID);
        Assert.That(sim.State.Tasks[first.ID].DesiredState, Is.EqualTo(TaskStates.Shutdown));
        Assert.That(replacement.Slot, Is.EqualTo(first.Slot));
        Assert.That(replacement.DesiredState, Is.EqualTo(TaskStates.Ready));
        Assert.That(replacement.Status.State, Is.EqualTo(TaskStates.Ready));
        Assert.That(sim.Last!.WakeAt, Is.EqualTo(sim.Now + TimeSpan.FromSeconds(3)));

        sim.Advance(TimeSpan.FromMilliseconds(2900));
        sim.Converge();
        Assert.That(sim.State.Tasks[replacement.ID].DesiredState, Is.EqualTo(TaskStates.Ready));

        sim.Advance(TimeSpan.FromMilliseconds(100));
        sim.Converge();
        Assert.That(sim.State.Tasks[replacement.ID].DesiredState, Is.EqualTo(TaskStates.Running));
        Assert.That(sim.State.Tasks[replacement.ID].Status.State, Is.EqualTo(TaskStates.Running));
    }

    [Test]
    public void Run_DefaultPolicy_FiveSecondDelay()
    {
        var service = Start(null);
        sim.Report(sim.Running(service.ID).Single().ID, TaskStates.Complete);
        sim.Converge();

        Assert.That(sim.Last!.WakeAt, Is.EqualTo(sim.Now + TimeSpan.FromSeconds(5)));
    }

    [Test]
    public void Run_MaxAttempts_NoMoreRestartsAfterThem()
    {
        var service = Start(new RestartPolicy(Delay: 0, MaxAttempts: 2));
        sim.Outcome = _ => TaskStates.Failed;

        sim.Run(TimeSpan.FromSeconds(10));

        var tasks = sim.Tasks(service.ID);
        Assert.That(tasks, Has.Count.EqualTo(3), "the first run and two restarts");
        Assert.That(tasks.Select(t => t.Status.State), Is.All.EqualTo(TaskStates.Failed));
        Assert.That(tasks.Select(t => t.DesiredState), Is.All.EqualTo(TaskStates.Shutdown));
    }

    [Test]
    public void Run_MaxAttemptsWithinWindow_CountsOnlyRestartsInTheWindow()
    {
        var service = Start(new RestartPolicy(Delay: 0, MaxAttempts: 1, Window: 10_000_000_000));
        sim.Advance(TimeSpan.FromSeconds(1));
        sim.Report(sim.Running(service.ID).Single().ID, TaskStates.Failed);
        sim.Converge();
        var second = sim.Running(service.ID).Single();

        // 20 s later the restart that made it is out of the window: another one is allowed.
        sim.Advance(TimeSpan.FromSeconds(20));
        sim.Report(second.ID, TaskStates.Failed);
        sim.Converge();
        var third = sim.Running(service.ID).Single();
        Assert.That(third.ID, Is.Not.EqualTo(second.ID));

        // 1 s later the restart that made the third is inside it: none.
        sim.Advance(TimeSpan.FromSeconds(1));
        sim.Report(third.ID, TaskStates.Failed);
        sim.Run(TimeSpan.FromSeconds(30));
        Assert.That(sim.Running(service.ID), Is.Empty);
        Assert.That(sim.Tasks(service.ID), Has.Count.EqualTo(2), "MaxAttempts+1 kept by the reaper");

        // A new leader reads the same history from the tasks.
        sim.NewLeader();
        sim.Run(TimeSpan.FromSeconds(5));
        Assert.That(sim.Running(service.ID), Is.Empty);
    }

    [Test]
    public void Run_ConditionOnFailure_CompletedNotRestarted()
    {
        var service = Start(new RestartPolicy(Condition: "on-failure", Delay: 0));
        var task = sim.Running(service.ID).Single();

        sim.Report(task.ID, TaskStates.Complete);
        sim.Run(TimeSpan.FromSeconds(10));

        Assert.That(sim.Tasks(service.ID), Has.Count.EqualTo(1));
        Assert.That(sim.State.Tasks[task.ID].DesiredState, Is.EqualTo(TaskStates.Shutdown));
    }

    [Test]
    public void Run_ConditionOnFailure_FailedRestarted()
    {
        var service = Start(new RestartPolicy(Condition: "on-failure", Delay: 0));
        var task = sim.Running(service.ID).Single();

        sim.Report(task.ID, TaskStates.Failed);
        sim.Converge();

        Assert.That(sim.Running(service.ID).Single().ID, Is.Not.EqualTo(task.ID));
    }

    [Test]
    public void Run_ConditionNone_FailedNotRestarted()
    {
        var service = Start(new RestartPolicy(Condition: "none"));
        var task = sim.Running(service.ID).Single();

        sim.Report(task.ID, TaskStates.Failed);
        sim.Run(TimeSpan.FromSeconds(10));

        Assert.That(sim.Tasks(service.ID).Select(t => t.ID), Is.EqualTo(new[] { task.ID }));
    }

    [Test]
    public void Run_ReadyTaskFromPreviousLeader_StartedAfterDelayFromItsTimestamp()
    {
        var service = Start(new RestartPolicy(Delay: 4_000_000_000));
        sim.Report(sim.Running(service.ID).Single().ID, TaskStates.Failed);
        sim.Converge();
        var held = sim.Tasks(service.ID).Single(t => t.DesiredState == TaskStates.Ready);

        sim.Advance(TimeSpan.FromSeconds(1));
        sim.NewLeader();
        sim.Converge();
        Assert.That(sim.State.Tasks[held.ID].DesiredState, Is.EqualTo(TaskStates.Ready));

        sim.Advance(TimeSpan.FromSeconds(3));
        sim.Converge();
        Assert.That(sim.State.Tasks[held.ID].Status.State, Is.EqualTo(TaskStates.Running));
    }
}
