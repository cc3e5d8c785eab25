using Berth.Kernel.Cluster.Agent;
using Berth.Kernel.Tests.Cluster.Fakes;

namespace Berth.Kernel.Tests.Cluster.Agent;

public class TaskRecoveryTests
{
    private static AssignedTask Task(string state, string desired = "running") => AssignedTask.Parse(TaskJson.Simple("t1", desired, state));

    private static TaskContainer Container(bool running, bool started, int exitCode = 0) => new("c1", "redis.1.t1", "t1", running, started, exitCode, running ? 77 : 0);

    [Test]
    public void Observe_NoContainer_KeepsTheManagersRecord()
    {
        var seen = TaskRecovery.Observe(Task("preparing"), null);

        Assert.That(seen, Is.EqualTo(new TaskObservation("preparing", false, "", null, null)));
    }

    [Test]
    public void Observe_RunningContainerManagerSaysStarting_ReportsRunning()
    {
        var seen = TaskRecovery.Observe(Task("starting"), Container(running: true, started: true));

        Assert.That(seen.State, Is.EqualTo("running"));
        Assert.That(seen.Report, Is.True);
        Assert.That(seen.Message, Is.EqualTo("started"));
    }

    [Test]
    public void Observe_CreatedNeverStarted_IsReady()
    {
        var seen = TaskRecovery.Observe(Task("preparing"), Container(running: false, started: false));

        Assert.That(seen.State, Is.EqualTo("ready"));
        Assert.That(seen.Report, Is.True);
    }

    [Test]
    public void Observe_ExitedNonZeroWhileDaemonWasDown_ReportsFailedWithExitCode()
    {
        var seen = TaskRecovery.Observe(Task("running"), Container(running: false, started: true, exitCode: 137));

        Assert.That(seen, Is.EqualTo(new TaskObservation("failed", true, "started", "task: non-zero exit (137)", 137)));
    }

    [Test]
    public void Observe_ExitedZero_ReportsComplete()
    {
        var seen = TaskRecovery.Observe(Task("running"), Container(running: false, started: true, exitCode: 0));

        Assert.That(seen.State, Is.EqualTo("complete"));
        Assert.That(seen.ExitCode, Is.EqualTo(0));
    }

    [Test]
    public void Observe_ExitedWhileMeantToStop_ReportsShutdownNotFailed()
    {
        var seen = TaskRecovery.Observe(Task("running", desired: "shutdown"), Container(running: false, started: true, exitCode: 143));

        Assert.That(seen.State, Is.EqualTo("shutdown"));
    }

    [Test]
    public void Observe_ManagerRecordedAnEnd_KeepsIt()
    {
        var seen = TaskRecovery.Observe(Task("shutdown", desired: "shutdown"), Container(running: false, started: true, exitCode: 143));

        Assert.That(seen, Is.EqualTo(new TaskObservation("shutdown", false, "", null, null)));
    }
}
