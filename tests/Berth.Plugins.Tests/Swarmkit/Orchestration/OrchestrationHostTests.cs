using System.Collections.Concurrent;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Orchestration;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;
using Microsoft.Extensions.Time.Testing;
using TaskStatus = Berth.Plugins.Swarmkit.Model.TaskStatus;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Tests.Swarmkit.Orchestration;

public class OrchestrationHostTests
{
    private FakeTimeProvider time = null!;
    private MemoryClusterStore inner = null!;
    private FaultyStore store = null!;
    private StringWriter log = null!;
    private OrchestrationHost host = null!;

    [SetUp]
    public async Task SetUp()
    {
        time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        inner = new MemoryClusterStore();
        store = new FaultyStore(inner);
        log = new StringWriter();
        host = new OrchestrationHost(store, time, TextWriter.Synchronized(log));
        await Propose(StoreOp.Create(new ClusterObject { ID = ClusterObject.SingletonId }));
    }

    [TearDown]
    public async Task TearDown()
    {
        await host.DisposeAsync();
        await inner.DisposeAsync();
        await log.DisposeAsync();
    }

    private Task Propose(params StoreOp[] ops) => inner.ProposeAsync(new StoreCommand(time.GetUtcNow().UtcDateTime, ops), CancellationToken.None);

    private Task AddNode(string id) => Propose(StoreOp.Create(new Node
    {
        ID = id,
        Description = new NodeDescription { Hostname = id, Resources = new NodeResources(2_000_000_000, 4L << 30) },
        Status = new NodeStatus(NodeStates.Ready),
    }));

    private async Task<Service> AddService(string name, long replicas)
    {
        var service = new Service
        {
            ID = "svc-" + name,
            Spec = new ServiceSpec { Name = name, TaskTemplate = ClusterSim.Template("busybox"), Mode = new ServiceMode { Replicated = new ReplicatedMode(replicas) } },
        };
        await Propose(StoreOp.Create(service));
        return service;
    }

    /// <summary>The agents of every ready node, once: assigned tasks go to RUNNING (READY while held), stopped ones to SHUTDOWN.</summary>
    private async Task<bool> AgentStepAsync()
    {
        var state = inner.Current;
        var ops = new List<StoreOp>();
        foreach (var task in state.Tasks.Values)
        {
            if (task.NodeID is null || state.Nodes.GetValueOrDefault(task.NodeID)?.Status.State != NodeStates.Ready)
                continue;
            var rank = TaskStates.Rank(task.Status.State);
            if (rank < TaskStates.Rank(TaskStates.Assigned) || rank > TaskStates.Rank(TaskStates.Running))
                continue;
            var next = TaskStates.Rank(task.DesiredState) >= TaskStates.Rank(TaskStates.Shutdown) ? TaskStates.Shutdown
                : task.DesiredState == TaskStates.Running ? TaskStates.Running
                : TaskStates.Ready;
            if (next != task.Status.State)
                ops.Add(StoreOp.Update(task with { Status = new TaskStatus { State = next, Timestamp = time.GetUtcNow().UtcDateTime } }));
        }
        if (ops.Count == 0)
            return false;
        try
        {
            await inner.ProposeAsync(new StoreCommand(time.GetUtcNow().UtcDateTime, ops), CancellationToken.None);
        }
        catch (BerthException e) when (e.Kind == BerthErrorKind.Conflict)
        {
            // Raced with the orchestrator: the next step reads again.
        }
        return true;
    }

    /// <summary>Lets the host work, the agents act and the clock move in <paramref name="step"/>s until <paramref name="done"/>.</summary>
    private async Task RunUntil(Func<ClusterState, bool> done, TimeSpan step)
    {
        for (var i = 0; i < 2000; i++)
        {
            await Wait.Within(host.WhenIdleAsync());
            if (done(inner.Current))
                return;
            if (!await AgentStepAsync())
                time.Advance(step);
        }
        Assert.Fail("the cluster did not get there");
    }

    private static long RunningOf(ClusterState state, string serviceId) => ServiceStatuses.Compute(state)[serviceId].RunningTasks;

    [Test]
    public async Task Host_EndToEnd_ServiceRunsSpreadAndFailedTaskIsRestartedAfterDelay()
    {
        await AddNode("a");
        await AddNode("b");
        var service = await AddService("web", 4);

        inner.AnnounceLeadership();
        await RunUntil(s => RunningOf(s, service.ID) == 4, TimeSpan.FromMilliseconds(100));

        var running = inner.Current.Tasks.Values.Where(t => t.ServiceID == service.ID).ToList();
        Assert.That(running.GroupBy(t => t.NodeID).Select(g => g.Count()), Is.All.EqualTo(2));
        Assert.That(log.ToString(), Does.Contain("swarm: orchestration started"));

        var victim = running[0];
        var failedAt = time.GetUtcNow();
        await Propose(StoreOp.Update(inner.Current.Tasks[victim.ID] with { Status = new TaskStatus { State = TaskStates.Failed, Timestamp = failedAt.UtcDateTime } }));
        await RunUntil(s => RunningOf(s, service.ID) == 4, TimeSpan.FromMilliseconds(250));

        var elapsed = time.GetUtcNow() - failedAt;
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(5)).And.LessThan(TimeSpan.FromSeconds(6)));
        var replacement = inner.Current.Tasks.Values.Single(t => t.ServiceID == service.ID && t.Slot == victim.Slot && t.ID != victim.ID);
        Assert.That(replacement.Status.State, Is.EqualTo(TaskStates.Running));
        Assert.That(inner.Current.Tasks[victim.ID].DesiredState, Is.EqualTo(TaskStates.Shutdown));
    }

    [Test]
    public async Task Host_CommitsKeepComing_PassAfterMaxLatency()
    {
        await AddNode("a");
        inner.AnnounceLeadership();
        await Wait.Within(host.WhenIdleAsync());
        var service = await AddService("web", 1);

        // A commit every 40 ms never leaves the 50 ms gap: the pass comes after the 1 s maximum.
        var steps = 0;
        while (!inner.Current.Tasks.Values.Any(t => t.ServiceID == service.ID) && steps < 100)
        {
            await Wait.Within(host.WhenIdleAsync());
            time.Advance(TimeSpan.FromMilliseconds(40));
            steps++;
            var node = inner.Current.Nodes["a"];
            await Propose(StoreOp.Update(node with { Spec = node.Spec with { Labels = new() { ["tick"] = steps.ToString(System.Globalization.CultureInfo.InvariantCulture) } } }));
            await Wait.Within(host.WhenIdleAsync());
        }

        Assert.That(steps, Is.InRange(25, 26));
    }

    [Test]
    public async Task Host_BatchRefused_RedoneFromFreshState()
    {
        await AddNode("a");
        var service = await AddService("web", 2);
        store.FailNext(BerthException.Conflict(StoreError.OutOfSequence));

        inner.AnnounceLeadership();
        await RunUntil(s => RunningOf(s, service.ID) == 2, TimeSpan.FromMilliseconds(100));

        Assert.That(log.ToString(), Does.Contain("1 of 1 batches refused (update out of sequence)"));
        Assert.That(inner.Current.Tasks.Values.Count(t => t.ServiceID == service.ID), Is.EqualTo(2));
    }

    [Test]
    public async Task Host_ProposeThrows_LoggedAndLoopGoesOn()
    {
        await AddNode("a");
        var service = await AddService("web", 1);
        store.FailNext(new InvalidOperationException("disk on fire"));

        inner.AnnounceLeadership();
        await RunUntil(s => RunningOf(s, service.ID) == 1, TimeSpan.FromMilliseconds(250));

        Assert.That(log.ToString(), Does.Contain("swarm: orchestration pass failed: System.InvalidOperationException: disk on fire"));
    }

    [Test]
    public async Task Host_ManyTasks_ProposedInBatchesOfAtMost200()
    {
        await AddNode("a");
        var service = await AddService("web", 450);

        inner.AnnounceLeadership();
        await RunUntil(s => s.Tasks.Values.Count(t => t.ServiceID == service.ID && t.Status.State == TaskStates.Assigned) == 450,
            TimeSpan.FromMilliseconds(100));

        Assert.That(store.BatchSizes, Is.Not.Empty);
        Assert.That(store.BatchSizes.Max(), Is.EqualTo(200));
    }

    [Test]
    public async Task Host_LeadershipEnds_LoopStopsAndWritesNothing()
    {
        await AddNode("a");
        using var term = new CancellationTokenSource();
        host.Start(term.Token);
        await Wait.Within(host.WhenIdleAsync());

        await term.CancelAsync();
        await Wait.Within(host.Loop);
        var index = inner.Current.Index;
        await AddService("web", 3);
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.That(inner.Current.Index, Is.EqualTo(index + 1));
        Assert.That(inner.Current.Tasks, Is.Empty);
        Assert.That(log.ToString(), Does.Contain("swarm: orchestration stopped"));
    }

    [Test]
    public async Task Host_NewTerm_StartsAgainFromTheStore()
    {
        await AddNode("a");
        using (var first = new CancellationTokenSource())
        {
            host.Start(first.Token);
            await Wait.Within(host.WhenIdleAsync());
            await first.CancelAsync();
            await Wait.Within(host.Loop);
        }
        var service = await AddService("web", 2);

        using var second = new CancellationTokenSource();
        host.Start(second.Token);
        await RunUntil(s => RunningOf(s, service.ID) == 2, TimeSpan.FromMilliseconds(100));

        Assert.That(RunningOf(inner.Current, service.ID), Is.EqualTo(2));
    }

    /// <summary>The in-memory store, with proposals that can be made to fail and batch sizes recorded.</summary>
    private sealed class FaultyStore(MemoryClusterStore inner) : IClusterStore
    {
        private Exception? failure;

        public ConcurrentQueue<int> BatchSizes { get; } = new();

        public void FailNext(Exception e) => Volatile.Write(ref failure, e);

        public ClusterState Current => inner.Current;
        public bool IsLeader => inner.IsLeader;
        public string? LeaderAddress => inner.LeaderAddress;
        public IReadOnlyList<MemberInfo> Members => inner.Members;

        public event Action<StoreCommitted>? Committed
        {
            add => inner.Committed += value;
            remove => inner.Committed -= value;
        }

        public event Action<LeadershipChange>? LeadershipChanged
        {
            add => inner.LeadershipChanged += value;
            remove => inner.LeadershipChanged -= value;
        }

        public Task<ApplyResult> ProposeAsync(StoreCommand command, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref failure, null) is { } e)
                throw e;
            BatchSizes.Enqueue(command.Ops.Count);
            return inner.ProposeAsync(command, cancellationToken);
        }

        public Task<ClusterState> ReadAsync(CancellationToken cancellationToken) => inner.ReadAsync(cancellationToken);
        public Task AddMemberAsync(string address, CancellationToken cancellationToken) => inner.AddMemberAsync(address, cancellationToken);
        public Task RemoveMemberAsync(string address, CancellationToken cancellationToken) => inner.RemoveMemberAsync(address, cancellationToken);
        public Task TransferLeadershipAsync(CancellationToken cancellationToken) => inner.TransferLeadershipAsync(cancellationToken);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
