using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Orchestration.Scheduling;

/// <summary>
/// swarmkit's scheduler NodeInfo: a node with running counters of what is placed on it (tasks from ASSIGNED to
/// RUNNING), so a decision costs no scan of the task table.
/// </summary>
internal sealed class NodeInfo(Node node)
{
    private static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, int> activeByService = new(StringComparer.Ordinal);
    private Dictionary<(string Service, string Spec), List<DateTime>>? failures;

    public Node Node { get; } = node;
    public string Id => Node.ID;

    /// <summary>Resources left: the node's description minus the reservations of the tasks placed on it.</summary>
    public long FreeNanoCpus { get; private set; } = node.Description?.Resources.NanoCPUs ?? 0;
    public long FreeMemoryBytes { get; private set; } = node.Description?.Resources.MemoryBytes ?? 0;

    /// <summary>Tasks placed here that are still meant to run (desired state at most COMPLETE).</summary>
    public int ActiveTasks { get; private set; }

    public HashSet<(string Protocol, int Port)> HostPorts { get; } = [];

    /// <summary>Failures of the group being scheduled, set by the scheduler before it ranks nodes.</summary>
    public int GroupFailures { get; set; }

    public int ActiveTasksOf(string serviceId) => activeByService.GetValueOrDefault(serviceId);

    public void Add(SwarmTask task)
    {
        var reservations = task.Spec.Resources?.Reservations;
        if (reservations is not null)
        {
            FreeNanoCpus -= reservations.NanoCPUs;
            FreeMemoryBytes -= reservations.MemoryBytes;
        }
        if (task.Endpoint?.Ports is { Count: > 0 } || task.Endpoint?.Spec?.Ports is { Count: > 0 })
        {
            foreach (var port in Scheduler.HostPortsOf(task))
                HostPorts.Add(port);
        }
        if (States.Rank(task.DesiredState) <= States.Complete)
        {
            ActiveTasks++;
            activeByService[task.ServiceID] = activeByService.GetValueOrDefault(task.ServiceID) + 1;
        }
    }

    public void RecordFailure(string serviceId, string specKey, DateTime at)
    {
        failures ??= [];
        var key = (serviceId, specKey);
        if (!failures.TryGetValue(key, out var list))
            failures[key] = list = [];
        list.Add(at);
    }

    /// <summary>Failures or rejections of this service and spec here within the last 5 minutes (nodeinfo.go countRecentFailures).</summary>
    public int RecentFailures(string serviceId, string specKey, DateTime now) =>
        failures is not null && failures.TryGetValue((serviceId, specKey), out var list) ? list.Count(at => now - at <= FailureWindow) : 0;
}
