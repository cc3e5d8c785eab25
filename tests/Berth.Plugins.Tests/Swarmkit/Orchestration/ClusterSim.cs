using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Orchestration;
using Berth.Plugins.Swarmkit.Store;
using TaskStatus = Berth.Plugins.Swarmkit.Model.TaskStatus;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Tests.Swarmkit.Orchestration;

/// <summary>
/// A cluster without a store or threads: reconcile passes applied to an immutable state, a clock moved by hand and a
/// fake agent that moves tasks along as swarmkit's exec.Do would.
/// </summary>
internal sealed class ClusterSim
{
    private long index;

    public ClusterSim() => State = ClusterState.Empty.Apply(new StoreCommand(Now, [StoreOp.Create(new ClusterObject { ID = ClusterObject.SingletonId })]), ++index).State;

    public ClusterState State { get; private set; }
    public DateTime Now { get; private set; } = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);
    public Reconciler Reconciler { get; private set; } = new();
    public ReconcileResult? Last { get; private set; }

    /// <summary>Decides how a task ends once it runs: null keeps it running, or "failed", "complete", "rejected".</summary>
    public Func<SwarmTask, string?> Outcome { get; set; } = _ => null;

    public void Apply(IEnumerable<StoreOp> ops)
    {
        var list = ops.ToList();
        if (list.Count == 0)
            return;
        var result = State.Apply(new StoreCommand(Now, list), ++index);
        if (result.Error is { } error)
            throw error.ToException();
        State = result.State;
    }

    public void Apply(params StoreOp[] ops) => Apply((IEnumerable<StoreOp>)ops);

    public void Advance(TimeSpan by) => Now += by;

    /// <summary>A new leader: what the old one kept in memory is gone.</summary>
    public void NewLeader() => Reconciler = new Reconciler();

    /// <summary>One reconcile pass, its writes applied; answers how many.</summary>
    public int Pass()
    {
        Last = Reconciler.Run(State, Now);
        Apply(Last.Ops);
        return Last.Ops.Count;
    }

    /// <summary>Passes until one writes nothing.</summary>
    public void Settle()
    {
        for (var i = 0; i < 50; i++)
        {
            if (Pass() == 0)
                return;
        }
        Assert.Fail("reconcile passes did not settle");
    }

    /// <summary>Settle, let the agents act, settle again, until nothing moves.</summary>
    public void Converge()
    {
        for (var i = 0; i < 50; i++)
        {
            Settle();
            if (!AgentStep())
                return;
        }
        Assert.Fail("the cluster did not converge");
    }

    /// <summary>Converges while the clock moves in <paramref name="step"/>s for <paramref name="span"/>.</summary>
    public void Run(TimeSpan span, TimeSpan? step = null)
    {
        var until = Now + span;
        var by = step ?? TimeSpan.FromSeconds(1);
        Converge();
        while (Now < until)
        {
            Advance(by);
            Converge();
        }
    }

    /// <summary>
    /// Every agent once: tasks assigned to a ready node go to READY, then RUNNING when desired; a task desired to stop
    /// is shut down; a running task ends as <see cref="Outcome"/> says.
    /// </summary>
    public bool AgentStep()
    {
        var ops = new List<StoreOp>();
        foreach (var task in State.Tasks.Values.OrderBy(t => t.ID, StringComparer.Ordinal))
        {
            if (task.NodeID is null || State.Nodes.GetValueOrDefault(task.NodeID)?.Status.State != NodeStates.Ready)
                continue;
            var rank = TaskStates.Rank(task.Status.State);
            string? next = null;
            if (rank < TaskStates.Rank(TaskStates.Assigned) || rank > TaskStates.Rank(TaskStates.Running))
                continue;
            if (TaskStates.Rank(task.DesiredState) >= TaskStates.Rank(TaskStates.Shutdown))
                next = TaskStates.Shutdown;
            else if (task.Status.State == TaskStates.Running)
                next = Outcome(task);
            else if (task.DesiredState == TaskStates.Running)
                next = TaskStates.Running;
            else if (rank < TaskStates.Rank(TaskStates.Ready))
                next = TaskStates.Ready;
            if (next is null || next == task.Status.State)
                continue;
            ops.Add(StoreOp.Update(task with { Status = new TaskStatus { State = next, Message = next, Timestamp = Now } }));
        }
        Apply(ops);
        return ops.Count > 0;
    }

    public Node AddNode(string id, string availability = NodeAvailability.Active, string state = NodeStates.Ready,
        Dictionary<string, string>? labels = null, long nanoCpus = 4_000_000_000, long memoryBytes = 8L << 30, string role = NodeRoles.Worker)
    {
        var node = new Node
        {
            ID = id,
            Spec = new NodeSpec { Availability = availability, Labels = labels, Role = role },
            Description = new NodeDescription { Hostname = "host-" + id, Resources = new NodeResources(nanoCpus, memoryBytes) },
            Status = new NodeStatus(state, null, "10.0.0." + (State.Nodes.Count + 1)),
        };
        Apply(StoreOp.Create(node));
        return node;
    }

    public void SetNode(string id, Func<Node, Node> change) => Apply(StoreOp.Update(change(State.Nodes[id])));

    public Service AddService(string name, long replicas = 1, TaskSpec? template = null, bool global = false, UpdateConfig? update = null,
        EndpointSpec? endpoint = null)
    {
        var service = new Service
        {
            ID = "svc-" + name,
            Spec = new ServiceSpec
            {
                Name = name,
                TaskTemplate = template ?? Template("busybox"),
                Mode = global
                    ? new ServiceMode { Global = JsonDocument.Parse("{}").RootElement.Clone() }
                    : new ServiceMode { Replicated = new ReplicatedMode(replicas) },
                UpdateConfig = update,
                EndpointSpec = endpoint,
            },
        };
        Apply(StoreOp.Create(service));
        return State.Services[service.ID];
    }

    /// <summary>As the control API's update: the old spec becomes PreviousSpec, UpdateStatus is reset.</summary>
    public void UpdateService(string id, Func<ServiceSpec, ServiceSpec> change)
    {
        var current = State.Services[id];
        Apply(StoreOp.Update(current with { Spec = change(current.Spec), PreviousSpec = current.Spec, UpdateStatus = null }));
    }

    public static TaskSpec Template(string image, RestartPolicy? restart = null, Placement? placement = null, ResourceRequirements? resources = null) => new()
    {
        ContainerSpec = new ContainerSpec { Image = image },
        RestartPolicy = restart,
        Placement = placement,
        Resources = resources,
    };

    public List<SwarmTask> Tasks(string serviceId) =>
        State.Tasks.Values.Where(t => t.ServiceID == serviceId).OrderBy(t => t.Slot).ThenBy(t => t.CreatedAt).ThenBy(t => t.ID, StringComparer.Ordinal).ToList();

    /// <summary>Tasks meant to run (DesiredState at most RUNNING).</summary>
    public List<SwarmTask> Live(string serviceId) =>
        Tasks(serviceId).Where(t => TaskStates.Rank(t.DesiredState) <= TaskStates.Rank(TaskStates.Running)).ToList();

    public List<SwarmTask> Running(string serviceId) => Tasks(serviceId).Where(t => t.Status.State == TaskStates.Running).ToList();

    public Dictionary<string, int> RunningPerNode(string serviceId) =>
        Running(serviceId).GroupBy(t => t.NodeID!).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Sets a task's observed state as an agent report would.</summary>
    public void Report(string taskId, string state)
    {
        var task = State.Tasks[taskId];
        Apply(StoreOp.Update(task with { Status = new TaskStatus { State = state, Message = state, Timestamp = Now } }));
    }
}
