using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Dispatcher;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Security;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk.Cluster;
using Microsoft.Extensions.Time.Testing;
using TaskStatus = Berth.Plugins.Swarmkit.Model.TaskStatus;

namespace Berth.Plugins.Tests.Swarmkit.Dispatcher;

public class DispatcherServiceTests
{
    private FakeTimeProvider time = null!;
    private MemoryClusterStore store = null!;
    private DispatcherService dispatcher = null!;

    [SetUp]
    public async Task SetUp()
    {
        time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        store = new MemoryClusterStore();
        var box = new SecretBox(SecretBox.GenerateKey());
        dispatcher = new DispatcherService(store, new BoxSealer(() => box), time, TextWriter.Null);
        var cluster = new ClusterObject { ID = "c1", Spec = new SwarmSpec { Dispatcher = new DispatcherConfig(1_000_000_000) } };
        await Propose(StoreOp.Create(cluster), StoreOp.Create(new Node { ID = "n1", Status = new NodeStatus(NodeStates.Unknown) }));
    }

    [TearDown]
    public Task TearDown() => store.DisposeAsync().AsTask();

    private Task Propose(params StoreOp[] ops) => store.ProposeAsync(new StoreCommand(time.GetUtcNow().UtcDateTime, ops), CancellationToken.None);

    private static HeartbeatRequest Beat(string node) => new(node, new NodeDescription { Hostname = "h-" + node }, "10.0.0.1");

    [Test]
    public async Task HeartbeatAsync_UnknownNode_MarkedReadyWithDescription()
    {
        var answer = await dispatcher.HeartbeatAsync(Beat("n1"), CancellationToken.None);

        var node = store.Current.Nodes["n1"];
        Assert.That(node.Status.State, Is.EqualTo(NodeStates.Ready));
        Assert.That(node.Status.Addr, Is.EqualTo("10.0.0.1"));
        Assert.That(node.Description!.Hostname, Is.EqualTo("h-n1"));
        Assert.That(answer.PeriodMs, Is.EqualTo(1000));
    }

    [Test]
    public async Task HeartbeatAsync_NothingChanged_WritesNothing()
    {
        await dispatcher.HeartbeatAsync(Beat("n1"), CancellationToken.None);
        var index = store.Current.Index;

        await dispatcher.HeartbeatAsync(Beat("n1"), CancellationToken.None);

        Assert.That(store.Current.Index, Is.EqualTo(index));
    }

    [Test]
    public async Task WatchLivenessAsync_ThreeMissedPeriods_MarksDown()
    {
        await dispatcher.HeartbeatAsync(Beat("n1"), CancellationToken.None);
        using var leadership = new CancellationTokenSource();
        var watching = dispatcher.WatchLivenessAsync(leadership.Token);

        for (var i = 0; i < 40 && store.Current.Nodes["n1"].Status.State != NodeStates.Down; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(25);
        }

        Assert.That(store.Current.Nodes["n1"].Status.State, Is.EqualTo(NodeStates.Down));
        Assert.That(store.Current.Nodes["n1"].Status.Message, Is.EqualTo("heartbeat failure"));
        await leadership.CancelAsync();
        await watching;
    }

    [Test]
    public async Task UpdateTaskStatusAsync_OlderState_Ignored()
    {
        var task = new SwarmTask { ID = "t1", NodeID = "n1", ServiceID = "s", Status = new TaskStatus { State = TaskStates.Assigned } };
        await Propose(StoreOp.Create(task));
        var now = time.GetUtcNow();

        await dispatcher.UpdateTaskStatusAsync(new TaskStatusRequest("n1", [
            new TaskStatusReport("t1", TaskStates.Running, "started", null, "c1", 42, null, now),
            new TaskStatusReport("t1", TaskStates.Preparing, "late", null, null, null, null, now),
        ]), CancellationToken.None);

        var status = store.Current.Tasks["t1"].Status;
        Assert.That(status.State, Is.EqualTo(TaskStates.Running));
        Assert.That(status.ContainerStatus!.ContainerID, Is.EqualTo("c1"));
        Assert.That(status.ContainerStatus.PID, Is.EqualTo(42));
    }

    [Test]
    public async Task UpdateTaskStatusAsync_RunningWithHostPorts_RecordsPortStatus()
    {
        await Propose(StoreOp.Create(new SwarmTask { ID = "t1", NodeID = "n1", ServiceID = "s", Status = new TaskStatus { State = TaskStates.Starting } }));

        await dispatcher.UpdateTaskStatusAsync(new TaskStatusRequest("n1", [
            new TaskStatusReport("t1", TaskStates.Running, "started", null, "c1", 42, null, time.GetUtcNow(), [new TaskPublishedPort("tcp", 80, 32768)]),
        ]), CancellationToken.None);

        var port = store.Current.Tasks["t1"].Status.PortStatus!.Ports!.Single();
        Assert.That(port, Is.EqualTo(new PortConfig(Protocol: "tcp", TargetPort: 80, PublishedPort: 32768, PublishMode: "host")));
    }

    [Test]
    public async Task UpdateTaskStatusAsync_TaskOfAnotherNode_Ignored()
    {
        await Propose(StoreOp.Create(new SwarmTask { ID = "t1", NodeID = "n2", ServiceID = "s", Status = new TaskStatus { State = TaskStates.Assigned } }));

        await dispatcher.UpdateTaskStatusAsync(new TaskStatusRequest("n1", [
            new TaskStatusReport("t1", TaskStates.Failed, "x", "boom", null, null, 1, time.GetUtcNow()),
        ]), CancellationToken.None);

        Assert.That(store.Current.Tasks["t1"].Status.State, Is.EqualTo(TaskStates.Assigned));
    }

    [Test]
    public async Task WaitForAssignmentsAsync_NewTaskAssigned_AnswersWithNewRevision()
    {
        var before = await dispatcher.WaitForAssignmentsAsync("n1", "", TimeSpan.Zero, CancellationToken.None);
        var waiting = dispatcher.WaitForAssignmentsAsync("n1", before.Revision, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.That(waiting.IsCompleted, Is.False);

        await Propose(StoreOp.Create(new SwarmTask { ID = "t1", NodeID = "n1", ServiceID = "s", Status = new TaskStatus { State = TaskStates.Assigned } }));
        var after = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(after.Revision, Is.Not.EqualTo(before.Revision));
        Assert.That(after.Tasks.Single().GetProperty("ID").GetString(), Is.EqualTo("t1"));
    }

    [Test]
    public async Task WaitForAssignmentsAsync_PendingTask_NotSent()
    {
        await Propose(StoreOp.Create(new SwarmTask { ID = "t1", NodeID = "n1", ServiceID = "s", Status = new TaskStatus { State = TaskStates.Pending } }));

        var answer = await dispatcher.WaitForAssignmentsAsync("n1", "x", TimeSpan.Zero, CancellationToken.None);

        Assert.That(answer.Tasks, Is.Empty);
    }
}
