using Berth.Kernel.Cluster.Agent;

namespace Berth.Kernel.Tests.Cluster.Agent;

public class TaskStepsTests
{
    [TestCase("new", "running", TaskStep.Accept)]
    [TestCase("pending", "running", TaskStep.Accept)]
    [TestCase("assigned", "running", TaskStep.Accept)]
    [TestCase("accepted", "running", TaskStep.BeginPreparing)]
    [TestCase("preparing", "running", TaskStep.Prepare)]
    [TestCase("ready", "running", TaskStep.BeginStarting)]
    [TestCase("starting", "running", TaskStep.Start)]
    [TestCase("running", "running", TaskStep.Wait)]
    [TestCase("complete", "running", TaskStep.None)]
    [TestCase("failed", "running", TaskStep.None)]
    public void Next_DesiredRunning_WalksTheStateMachine(string observed, string desired, TaskStep step)
    {
        Assert.That(TaskSteps.Next(observed, desired), Is.EqualTo(step));
    }

    [TestCase("assigned", TaskStep.Accept)]
    [TestCase("accepted", TaskStep.BeginPreparing)]
    [TestCase("preparing", TaskStep.Prepare)]
    [TestCase("ready", TaskStep.None)]
    public void Next_DesiredReady_PreparesThenWaits(string observed, TaskStep step)
    {
        // The restart supervisor makes replacement tasks with desired "ready": prepared, not started, until the delay passed.
        Assert.That(TaskSteps.Next(observed, "ready"), Is.EqualTo(step));
    }

    [TestCase("assigned", "shutdown")]
    [TestCase("preparing", "shutdown")]
    [TestCase("ready", "shutdown")]
    [TestCase("running", "shutdown")]
    [TestCase("running", "remove")]
    [TestCase("starting", "orphaned")]
    public void Next_DesiredShutdownOrLater_ShutsDown(string observed, string desired)
    {
        Assert.That(TaskSteps.Next(observed, desired), Is.EqualTo(TaskStep.Shutdown));
    }

    [TestCase("complete", "shutdown")]
    [TestCase("shutdown", "shutdown")]
    [TestCase("failed", "remove")]
    [TestCase("rejected", "shutdown")]
    public void Next_EndedTaskDesiredShutdown_StaysAsItIs(string observed, string desired)
    {
        Assert.That(TaskSteps.Next(observed, desired), Is.EqualTo(TaskStep.None));
    }

    [Test]
    public void Next_ObservedPastDesired_Pauses()
    {
        Assert.That(TaskSteps.Next("starting", "ready"), Is.EqualTo(TaskStep.None));
    }

    [TestCase("assigned", "rejected")]
    [TestCase("preparing", "rejected")]
    [TestCase("ready", "rejected")]
    [TestCase("starting", "failed")]
    [TestCase("running", "failed")]
    public void FailureState_ErrorAtState_RejectedBeforeStartingFailedFromThen(string observed, string expected)
    {
        Assert.That(TaskSteps.FailureState(observed), Is.EqualTo(expected));
    }

    [Test]
    public void ExitError_NonZeroExit_ReadsAsMoby()
    {
        Assert.That(TaskSteps.ExitError(3), Is.EqualTo("task: non-zero exit (3)"));
    }
}
