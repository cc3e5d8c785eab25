using System.Text.Json;
using Berth.Kernel.Cluster.Agent;
using Berth.Kernel.Tests.Cluster.Fakes;
using Berth.Kernel.Tests.Support;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Cluster.Agent;

public class TaskWorkerTests
{
    private FakeTaskContainers containers = null!;
    private FakeTaskImages images = null!;
    private RecordingSink sink = null!;
    private string root = null!;
    private TaskAgentContext context = null!;
    private readonly List<TaskWorker> workers = [];

    [SetUp]
    public void SetUp()
    {
        containers = new FakeTaskContainers();
        images = new FakeTaskImages().With("busybox:latest");
        sink = new RecordingSink();
        root = Path.Combine(Path.GetTempPath(), "berth-worker-" + Guid.NewGuid().ToString("N"));
        context = new TaskAgentContext(containers, images, new TaskFileStore(root), sink, new TrackingTimeProvider());
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var worker in workers) await worker.DisposeAsync();
        workers.Clear();
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private TaskWorker Run(JsonElement task, TaskContainer? existing = null)
    {
        var worker = new TaskWorker(TaskJson.Assignment(task), existing, context);
        workers.Add(worker);
        worker.Start();
        return worker;
    }

    [Test]
    public async Task Start_AssignedTaskImageHere_WalksToRunningReportingEachStep()
    {
        var worker = Run(TaskJson.Simple("t1"));

        await sink.ReachesAsync("t1", "running");

        Assert.That(sink.StatesOf("t1"), Is.EqualTo(new[] { "accepted", "preparing", "ready", "starting", "running" }));
        Assert.That(sink.Reports.Select(r => r.Message), Is.EqualTo(new[] { "accepted", "preparing", "prepared", "starting", "started" }));
        var running = sink.Last("t1");
        Assert.That(running.ContainerId, Is.EqualTo(worker.ContainerId));
        Assert.That(running.Pid, Is.GreaterThan(0));
        Assert.That(containers.Calls, Is.EqualTo(new[] { $"create redis.1.t1", $"start {worker.ContainerId}" }));
        Assert.That(images.Pulls, Is.Empty);
    }

    [Test]
    public async Task Start_EarlyReports_CarryNoContainerStatus()
    {
        Run(TaskJson.Simple("t1"));

        await sink.ReachesAsync("t1", "running");

        Assert.That(sink.Reports.Where(r => r.State is "accepted" or "preparing" or "ready").Select(r => r.ContainerId), Has.All.Null);
    }

    [Test]
    public async Task Start_ImageMissingAndPullFails_RejectedWithTheCreateError()
    {
        images = new FakeTaskImages();
        context = context with { Images = images };
        containers.CreateFailure = _ => BerthException.NotFound("No such image: busybox:latest");

        Run(TaskJson.Simple("t1"));

        await sink.ReachesAsync("t1", "rejected");
        Assert.That(images.Pulls, Is.EqualTo(new[] { "busybox:latest" }));
        Assert.That(sink.Last("t1").Err, Is.EqualTo("No such image: busybox:latest"));
        Assert.That(containers.Calls, Has.None.StartsWith("start"));
    }

    [Test]
    public async Task Start_ImageMissingAndPullWorks_CreatesAndRuns()
    {
        images = new FakeTaskImages { PullSucceeds = true };
        context = context with { Images = images };

        Run(TaskJson.Simple("t1"));

        await sink.ReachesAsync("t1", "running");
        Assert.That(images.Pulls, Is.EqualTo(new[] { "busybox:latest" }));
    }

    [Test]
    public async Task Start_DesiredReady_WaitsPreparedUntilDesiredRunning()
    {
        var worker = Run(TaskJson.Simple("t1", desired: "ready"));
        await sink.ReachesAsync("t1", "ready");
        await Task.Delay(50);
        Assert.That(sink.StatesOf("t1"), Does.Not.Contain("starting"));

        worker.Update(TaskJson.Assignment(TaskJson.Simple("t1", desired: "running", state: "ready")));

        await sink.ReachesAsync("t1", "running");
        Assert.That(sink.StatesOf("t1"), Is.EqualTo(new[] { "accepted", "preparing", "ready", "starting", "running" }));
    }

    [Test]
    public async Task Wait_ContainerExitsZero_ReportsComplete()
    {
        var worker = Run(TaskJson.Simple("t1"));
        await sink.ReachesAsync("t1", "running");

        containers.Exit(worker.ContainerId!, 0);

        await sink.ReachesAsync("t1", "complete");
        var complete = sink.Last("t1");
        Assert.That((complete.Message, complete.Err, complete.ExitCode), Is.EqualTo(("finished", (string?)null, (int?)0)));
    }

    [Test]
    public async Task Wait_ContainerExitsNonZero_ReportsFailedWithExitCode()
    {
        var worker = Run(TaskJson.Simple("t1"));
        await sink.ReachesAsync("t1", "running");

        containers.Exit(worker.ContainerId!, 3);

        await sink.ReachesAsync("t1", "failed");
        var failed = sink.Last("t1");
        Assert.That(failed.Err, Is.EqualTo("task: non-zero exit (3)"));
        Assert.That(failed.ExitCode, Is.EqualTo(3));
        Assert.That(failed.ContainerId, Is.EqualTo(worker.ContainerId));
        Assert.That(failed.Message, Is.EqualTo("started"));
    }

    [Test]
    public async Task Update_DesiredShutdownWhileRunning_StopsWithTheGracePeriodAndReportsShutdown()
    {
        var worker = Run(TaskJson.Simple("t1"));
        await sink.ReachesAsync("t1", "running");

        worker.Update(TaskJson.Assignment(TaskJson.Simple("t1", desired: "shutdown", state: "running")));

        await sink.ReachesAsync("t1", "shutdown");
        Assert.That(containers.Calls, Does.Contain($"stop {worker.ContainerId} 2s"));
        Assert.That(sink.StatesOf("t1"), Does.Not.Contain("failed"));
        Assert.That(sink.Last("t1").ExitCode, Is.EqualTo(143));
    }

    [Test]
    public async Task Start_DesiredShutdownBeforeAnything_ShutsDownWithoutAContainer()
    {
        Run(TaskJson.Simple("t1", desired: "shutdown", state: "assigned"));

        await sink.ReachesAsync("t1", "shutdown");

        Assert.That(sink.StatesOf("t1"), Is.EqualTo(new[] { "shutdown" }));
        Assert.That(containers.Calls, Is.Empty);
    }

    [Test]
    public async Task Start_StartFails_ReportsFailed()
    {
        containers.StartFailure = _ => new BerthException("OCI runtime create failed: exec: \"nope\": executable file not found in $PATH");

        Run(TaskJson.Simple("t1"));

        await sink.ReachesAsync("t1", "failed");
        Assert.That(sink.StatesOf("t1"), Is.EqualTo(new[] { "accepted", "preparing", "ready", "starting", "failed" }));
        Assert.That(sink.Last("t1").Err, Does.Contain("executable file not found"));
    }

    [Test]
    public async Task Constructor_RunningContainerFoundAfterRestart_ReportsRunningThenFollowsItsExit()
    {
        var existing = containers.Add("t1", running: true, started: true);

        Run(TaskJson.Simple("t1", state: "starting"), existing.View);

        await sink.ReachesAsync("t1", "running");
        Assert.That(sink.Last("t1").ContainerId, Is.EqualTo(existing.Id));
        Assert.That(containers.Calls, Is.Empty);
        containers.Exit(existing.Id, 1);
        await sink.ReachesAsync("t1", "failed");
    }

    [Test]
    public async Task Start_ContainerCreatedBeforeARestart_IsReusedNotCreatedAgain()
    {
        var existing = containers.Add("t1", running: false, started: false);

        Run(TaskJson.Simple("t1", state: "preparing"), existing.View);

        await sink.ReachesAsync("t1", "running");
        Assert.That(containers.Calls, Is.EqualTo(new[] { $"start {existing.Id}" }));
    }

    [Test]
    public async Task Start_RunningTaskWhoseContainerVanished_Fails()
    {
        Run(TaskJson.Simple("t1", state: "running"));

        await sink.ReachesAsync("t1", "failed");

        Assert.That(sink.Last("t1").Err, Does.StartWith("No such container"));
    }

    [Test]
    public async Task DisposeAsync_DuringAStart_StopsDrivingAndLeavesTheContainer()
    {
        containers.StartGate = new TaskCompletionSource();
        var worker = Run(TaskJson.Simple("t1"));
        await sink.ReachesAsync("t1", "starting");

        await Wait.Within(worker.DisposeAsync().AsTask());
        workers.Remove(worker);

        Assert.That(containers.All, Has.Count.EqualTo(1));
        Assert.That(sink.StatesOf("t1"), Does.Not.Contain("running"));
    }
}
