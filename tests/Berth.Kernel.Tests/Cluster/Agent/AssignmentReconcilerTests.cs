using Berth.Kernel.Cluster.Agent;
using Berth.Kernel.Tests.Cluster.Fakes;
using Berth.Kernel.Tests.Support;
using Berth.Sdk.Cluster;

namespace Berth.Kernel.Tests.Cluster.Agent;

public class AssignmentReconcilerTests
{
    private FakeTaskContainers containers = null!;
    private RecordingSink sink = null!;
    private string root = null!;
    private TaskFileStore files = null!;
    private AssignmentReconciler reconciler = null!;

    [SetUp]
    public void SetUp()
    {
        containers = new FakeTaskContainers();
        sink = new RecordingSink();
        root = Path.Combine(Path.GetTempPath(), "berth-reconcile-" + Guid.NewGuid().ToString("N"));
        files = new TaskFileStore(root);
        reconciler = new AssignmentReconciler(new TaskAgentContext(containers, new FakeTaskImages().With("busybox:latest"), files, sink, new TrackingTimeProvider()));
    }

    [TearDown]
    public async Task TearDown()
    {
        await reconciler.DisposeAsync();
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Test]
    public async Task ApplyAsync_TwoNewTasks_RunsAWorkerForEach()
    {
        await reconciler.ApplyAsync(TaskJson.Assignments("r1", TaskJson.Simple("t1"), TaskJson.Simple("t2", slot: 2)), CancellationToken.None);

        await sink.ReachesAsync("t1", "running");
        await sink.ReachesAsync("t2", "running");
        Assert.That(reconciler.Workers.Select(w => w.TaskId).Order(), Is.EqualTo(new[] { "t1", "t2" }));
        Assert.That(containers.All.Select(c => c.Name).Order(), Is.EqualTo(new[] { "redis.1.t1", "redis.2.t2" }));
    }

    [Test]
    public async Task ApplyAsync_SameTaskNewDesiredState_UpdatesItsWorker()
    {
        await reconciler.ApplyAsync(TaskJson.Assignments("r1", TaskJson.Simple("t1")), CancellationToken.None);
        await sink.ReachesAsync("t1", "running");

        await reconciler.ApplyAsync(TaskJson.Assignments("r2", TaskJson.Simple("t1", desired: "shutdown", state: "running")), CancellationToken.None);

        await sink.ReachesAsync("t1", "shutdown");
        Assert.That(reconciler.Workers, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ApplyAsync_TaskLeftTheSet_StopsAndForceRemovesItsContainerAndDeletesItsFiles()
    {
        await reconciler.ApplyAsync(TaskJson.Assignments("r1", TaskJson.Simple("t1")), CancellationToken.None);
        await sink.ReachesAsync("t1", "running");
        var id = reconciler.Worker("t1")!.ContainerId!;
        Directory.CreateDirectory(files.DirectoryOf("t1"));

        await reconciler.ApplyAsync(TaskJson.Assignments("r2"), CancellationToken.None);

        Assert.That(reconciler.Workers, Is.Empty);
        Assert.That(containers.Calls.TakeLast(2), Is.EqualTo(new[] { $"stop {id} 2s", $"remove {id}" }));
        Assert.That(containers.All, Is.Empty);
        Assert.That(Directory.Exists(files.DirectoryOf("t1")), Is.False);
    }

    [Test]
    public async Task ApplyAsync_AfterARestart_AdoptsAssignedContainersAndRemovesOrphans()
    {
        var kept = containers.Add("t1", running: true, started: true);
        var orphan = containers.Add("reaped", running: false, started: true, exitCode: 0);

        await reconciler.ApplyAsync(TaskJson.Assignments("r1", TaskJson.Simple("t1", state: "running")), CancellationToken.None);

        Assert.That(containers[kept.Id], Is.Not.Null);
        Assert.That(containers[orphan.Id], Is.Null);
        Assert.That(containers.Calls, Is.EqualTo(new[] { $"remove {orphan.Id}" }));
        Assert.That(reconciler.Worker("t1")!.Observed, Is.EqualTo("running"));
    }

    [Test]
    public async Task ApplyAsync_EndedTaskStillAssigned_KeepsItsContainer()
    {
        var ended = containers.Add("t1", running: false, started: true, exitCode: 0);

        await reconciler.ApplyAsync(TaskJson.Assignments("r1", TaskJson.Simple("t1", desired: "shutdown", state: "complete")), CancellationToken.None);
        await Task.Delay(50);

        Assert.That(containers[ended.Id], Is.Not.Null);
        Assert.That(containers.Calls, Is.Empty);
        Assert.That(sink.Reports, Is.Empty);
    }

    [Test]
    public async Task ApplyAsync_ContainerWithoutTaskId_IsNotTouched()
    {
        var marked = containers.Add("", running: true, started: true);

        await reconciler.ApplyAsync(TaskJson.Assignments("r1"), CancellationToken.None);

        Assert.That(containers[marked.Id], Is.Not.Null);
    }

    [Test]
    public async Task ApplyAsync_SecretAssigned_MountsItsFileReadOnly()
    {
        var task = TaskJson.Simple("t1", edit: t => t["Spec"]!["ContainerSpec"]!["Secrets"] = System.Text.Json.Nodes.JsonNode.Parse(
            """[{"File":{"Name":"token","UID":"0","GID":"0","Mode":292},"SecretID":"s1","SecretName":"token"}]"""));
        var assignments = TaskJson.Assignments("r1", task) with { Secrets = [new AssignedFile("s1", "token", "abc"u8.ToArray())] };

        await reconciler.ApplyAsync(assignments, CancellationToken.None);

        await sink.ReachesAsync("t1", "running");
        var mount = containers.All.Single().Body["HostConfig"]!["Mounts"]![0]!;
        Assert.That(mount["Target"]!.GetValue<string>(), Is.EqualTo("/run/secrets/token"));
        Assert.That(mount["ReadOnly"]!.GetValue<bool>(), Is.True);
        Assert.That(await File.ReadAllTextAsync(mount["Source"]!.GetValue<string>()), Is.EqualTo("abc"));
    }
}
