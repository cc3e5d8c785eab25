using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;

namespace Berth.Plugins.Swarmkit.Orchestration;

/// <summary>
/// One reconcile pass's view: the snapshot it started from with the pass's own changes laid over it, so each
/// component sees what the ones before it decided. Every object touched ends as exactly one store op (a batch
/// may not touch an object twice: the second versioned write would be refused), checked against the version
/// the pass read.
/// </summary>
internal sealed class WorkingSet
{
    private readonly Dictionary<string, SwarmTask> tasks;
    private readonly Dictionary<string, List<string>> byService = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Service> services;
    private readonly Dictionary<string, Change> changes = new(StringComparer.Ordinal);
    private readonly List<string> order = [];

    public WorkingSet(ClusterState state, DateTime now)
    {
        State = state;
        Now = now;
        tasks = new Dictionary<string, SwarmTask>(state.Tasks, StringComparer.Ordinal);
        services = new Dictionary<string, Service>(state.Services, StringComparer.Ordinal);
        foreach (var task in tasks.Values)
            Index(task);
    }

    public ClusterState State { get; }
    public DateTime Now { get; }
    public IReadOnlyDictionary<string, Node> Nodes => State.Nodes;
    public IReadOnlyDictionary<string, SwarmTask> Tasks => tasks;
    public IReadOnlyDictionary<string, Service> Services => services;
    public int ChangeCount => changes.Count;

    /// <summary>Services that have tasks (present or not), in id order.</summary>
    public IEnumerable<string> ServiceIdsWithTasks => byService.Keys.Order(StringComparer.Ordinal);

    public long RetentionLimit => State.Cluster?.Spec.Orchestration.TaskHistoryRetentionLimit ?? 5;

    public Node? Node(string? id) => id is null ? null : State.Nodes.GetValueOrDefault(id);

    /// <summary>The service's tasks as they stand in this pass.</summary>
    public List<SwarmTask> TasksOf(string serviceId)
    {
        if (!byService.TryGetValue(serviceId, out var ids))
            return [];
        var list = new List<SwarmTask>(ids.Count);
        foreach (var id in ids)
        {
            if (tasks.TryGetValue(id, out var task))
                list.Add(task);
        }
        return list;
    }

    public void Create(SwarmTask task)
    {
        tasks.Add(task.ID, task);
        Index(task);
        Record(task.ID, ObjectKind.Task, ChangeAction.Create, 0, task);
    }

    public void Update(SwarmTask task)
    {
        var original = tasks[task.ID];
        tasks[task.ID] = task;
        Record(task.ID, ObjectKind.Task, ChangeAction.Update, original.Version.Index, task);
    }

    public void Delete(SwarmTask task)
    {
        if (!tasks.Remove(task.ID))
            return;
        Record(task.ID, ObjectKind.Task, ChangeAction.Delete, task.Version.Index, null);
    }

    public void Update(Service service)
    {
        var original = services[service.ID];
        services[service.ID] = service;
        Record(service.ID, ObjectKind.Service, ChangeAction.Update, original.Version.Index, service);
    }

    /// <summary>The pass's changes as store ops, one per object, in the order first touched.</summary>
    public List<StoreOp> Ops()
    {
        var ops = new List<StoreOp>(order.Count);
        foreach (var id in order)
        {
            if (!changes.TryGetValue(id, out var change))
                continue;
            ops.Add(change.Action switch
            {
                ChangeAction.Create => StoreOp.Create(change.Value!),
                ChangeAction.Update => StoreOp.Update(change.Value!.Version.Index == change.BaseVersion
                    ? change.Value
                    : change.Value with { Version = new ObjectVersion(change.BaseVersion) }),
                _ => StoreOp.Delete(change.Kind, id, change.BaseVersion),
            });
        }
        return ops;
    }

    private void Index(SwarmTask task)
    {
        if (!byService.TryGetValue(task.ServiceID, out var ids))
            byService[task.ServiceID] = ids = [];
        ids.Add(task.ID);
    }

    private void Record(string id, ObjectKind kind, ChangeAction action, long baseVersion, StoredObject? value)
    {
        if (changes.TryGetValue(id, out var earlier))
        {
            if (earlier.Action == ChangeAction.Create)
            {
                // Made in this pass: it is still a create, or nothing at all once deleted again.
                if (action == ChangeAction.Delete)
                    changes.Remove(id);
                else
                    changes[id] = earlier with { Value = value };
                return;
            }
            changes[id] = earlier with { Action = action, Value = value };
            return;
        }
        changes[id] = new Change(kind, action, baseVersion, value);
        order.Add(id);
    }

    private enum ChangeAction
    {
        Create,
        Update,
        Delete,
    }

    private sealed record Change(ObjectKind Kind, ChangeAction Action, long BaseVersion, StoredObject? Value);
}
