using Berth.Kernel.Cluster.Agent;
using Berth.Kernel.Tests.Cluster.Fakes;
using Berth.Kernel.Tests.Support;

namespace Berth.Kernel.Tests.Cluster.Agent;

public class SwarmAgentTests
{
    private FakeClusterBackend backend = null!;
    private FakeTaskContainers containers = null!;
    private TrackingTimeProvider time = null!;
    private string root = null!;
    private SwarmAgent agent = null!;

    [SetUp]
    public void SetUp()
    {
        backend = new FakeClusterBackend();
        containers = new FakeTaskContainers();
        time = new TrackingTimeProvider();
        root = Path.Combine(Path.GetTempPath(), "berth-agent-" + Guid.NewGuid().ToString("N"));
        agent = new SwarmAgent(backend, containers, new FakeTaskImages().With("busybox:latest"), new TaskFileStore(root), time);
    }

    [TearDown]
    public async Task TearDown()
    {
        await Wait.Within(agent.DisposeAsync().AsTask());
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private List<string> Reported(string taskId) => backend.Reported.Where(r => r.TaskId == taskId).Select(r => r.State).ToList();

    [Test]
    public async Task Start_TaskAssigned_RunsItAndReportsToTheBackendInOrder()
    {
        backend.Publish(TaskJson.Assignments("r1", TaskJson.Simple("t1")));

        agent.Start();

        await Wait.Eventually(() => Reported("t1").Contains("running"), "the running report");
        Assert.That(Reported("t1"), Is.EqualTo(new[] { "accepted", "preparing", "ready", "starting", "running" }));
        Assert.That(agent.IsRunning, Is.True);
    }

    [Test]
    public async Task Start_AssignmentsChangeLater_LongPollPicksThemUp()
    {
        backend.Publish(TaskJson.Assignments("r1"));
        agent.Start();
        await Wait.Eventually(() => backend.AssignmentCalls >= 2, "the long poll");

        backend.Publish(TaskJson.Assignments("r2", TaskJson.Simple("t1")));

        await Wait.Eventually(() => Reported("t1").Contains("running"), "the new task running");
    }

    [Test]
    public async Task Start_NotYetInASwarm_WaitsWithBackoffAndRemovesNothing()
    {
        var existing = containers.Add("t1", running: true, started: true);
        agent.Start();

        await time.AdvanceWhenArmedAsync(SwarmAgent.FirstRetry, 1);
        await time.AdvanceWhenArmedAsync(SwarmAgent.FirstRetry * 2, 1);
        await Wait.Eventually(() => backend.AssignmentCalls >= 3, "three polls");

        Assert.That(containers[existing.Id], Is.Not.Null);
        Assert.That(containers.Calls, Is.Empty);
    }

    [Test]
    public async Task Start_BackendUnavailable_RetriesUntilItAnswers()
    {
        var failures = 1;
        backend.Failures["GetAssignments"] = () => Interlocked.Decrement(ref failures) >= 0 ? FakeClusterBackend.Unavailable() : null;
        backend.Publish(TaskJson.Assignments("r1", TaskJson.Simple("t1")));
        agent.Start();

        await time.AdvanceWhenArmedAsync(SwarmAgent.FirstRetry, 1);

        await Wait.Eventually(() => Reported("t1").Contains("running"), "the task after the backend came back");
    }

    [Test]
    public async Task StopAsync_Running_StopsPollingAndLeavesContainers()
    {
        backend.Publish(TaskJson.Assignments("r1", TaskJson.Simple("t1")));
        agent.Start();
        await Wait.Eventually(() => Reported("t1").Contains("running"), "the running report");

        await Wait.Within(agent.StopAsync());

        Assert.That(agent.IsRunning, Is.False);
        Assert.That(containers.All.Single().Running, Is.True);
        Assert.That(containers.Calls, Has.None.StartsWith("stop").And.None.StartsWith("remove"));
    }
}
