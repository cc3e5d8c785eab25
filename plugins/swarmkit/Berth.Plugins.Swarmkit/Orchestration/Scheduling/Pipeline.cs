using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Orchestration.Scheduling;

/// <summary>
/// swarmkit's filter pipeline (<c>scheduler/pipeline.go</c>, <c>filter.go</c>) in its order: Ready, Resources,
/// Constraints, Platform, HostPort, MaxReplicas (plugin and CSI volume filters have nothing to check here). A filter
/// is on only when the task asks for what it checks. Failures are counted per filter for the explanation.
/// </summary>
internal sealed class Pipeline
{
    private const int Filters = 6;
    private const int Ready = 0, Resources = 1, ConstraintsFilter = 2, PlatformFilter = 3, HostPort = 4, MaxReplicas = 5;

    private readonly bool[] enabled = new bool[Filters];
    private readonly int[] failures = new int[Filters];
    private string serviceId = "";
    private long nanoCpus;
    private long memoryBytes;
    private IReadOnlyList<Constraint> constraints = [];
    private List<(string? Architecture, string? OS)> platforms = [];
    private List<(string Protocol, int Port)> hostPorts = [];
    private long maxReplicas;

    public void SetTask(SwarmTask task)
    {
        serviceId = task.ServiceID;
        var spec = task.Spec;
        var reservations = spec.Resources?.Reservations;
        nanoCpus = reservations?.NanoCPUs ?? 0;
        memoryBytes = reservations?.MemoryBytes ?? 0;
        constraints = Constraints.Of(spec);
        platforms = PlatformsOf(spec.Placement);
        hostPorts = Scheduler.HostPortsOf(task).ToList();
        maxReplicas = spec.Placement?.MaxReplicas ?? 0;

        enabled[Ready] = true;
        enabled[Resources] = nanoCpus > 0 || memoryBytes > 0;
        enabled[ConstraintsFilter] = constraints.Count > 0;
        enabled[PlatformFilter] = platforms.Count > 0;
        enabled[HostPort] = hostPorts.Count > 0;
        enabled[MaxReplicas] = maxReplicas > 0;
        Array.Clear(failures);
    }

    /// <summary>pipeline.go Process: true when every filter passes; a pass clears the failure counts, as in swarmkit.</summary>
    public bool Process(NodeInfo node)
    {
        var failed = FirstFailure(node);
        if (failed >= 0)
        {
            failures[failed]++;
            return false;
        }
        Array.Clear(failures);
        return true;
    }

    /// <summary>Counts, without clearing, why each node fails: the explanation for tasks left without a node.</summary>
    public void CountFailures(IEnumerable<NodeInfo> nodes)
    {
        Array.Clear(failures);
        foreach (var node in nodes)
        {
            var failed = FirstFailure(node);
            if (failed >= 0)
                failures[failed]++;
        }
    }

    /// <summary>pipeline.go Explain: the failing filters, most failures first, "; "-separated.</summary>
    public string Explain()
    {
        var parts = Enumerable.Range(0, Filters).Where(i => failures[i] > 0)
            .OrderByDescending(i => failures[i]).Select(i => Explain(i, failures[i]));
        return string.Join("; ", parts);
    }

    private static string Explain(int filter, int nodes)
    {
        var onNodes = nodes == 1 ? "1 node" : $"{nodes} nodes";
        return filter switch
        {
            Ready => $"{onNodes} not available for new tasks",
            Resources => $"insufficient resources on {onNodes}",
            ConstraintsFilter => $"scheduling constraints not satisfied on {onNodes}",
            PlatformFilter => $"unsupported platform on {onNodes}",
            HostPort => $"host-mode port already in use on {onNodes}",
            _ => "max replicas per node limit exceed",
        };
    }

    private int FirstFailure(NodeInfo info)
    {
        var node = info.Node;
        if (node.Status.State != NodeStates.Ready || node.Spec.Availability != NodeAvailability.Active)
            return Ready;
        if (enabled[Resources] && (nanoCpus > info.FreeNanoCpus || memoryBytes > info.FreeMemoryBytes))
            return Resources;
        if (enabled[ConstraintsFilter] && !Constraints.Matches(constraints, node))
            return ConstraintsFilter;
        if (enabled[PlatformFilter] && !PlatformMatches(node))
            return PlatformFilter;
        if (enabled[HostPort])
        {
            foreach (var port in hostPorts)
            {
                if (info.HostPorts.Contains(port))
                    return HostPort;
            }
        }
        if (enabled[MaxReplicas] && info.ActiveTasksOf(serviceId) >= maxReplicas)
            return MaxReplicas;
        return -1;
    }

    private bool PlatformMatches(Node node)
    {
        if (node.Description?.Platform is not { } nodePlatform)
            return false;
        var arch = NormalizeArch(nodePlatform.Architecture);
        foreach (var (architecture, os) in platforms)
        {
            if ((string.IsNullOrEmpty(architecture) || NormalizeArch(architecture) == arch) && (string.IsNullOrEmpty(os) || os == nodePlatform.OS))
                return true;
        }
        return false;
    }

    private static string NormalizeArch(string arch) => arch switch
    {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        _ => arch,
    };

    // Placement.Platforms is not typed in the model; it rides in the placement's extra members.
    private static List<(string?, string?)> PlatformsOf(Placement? placement)
    {
        var list = new List<(string?, string?)>();
        if (placement?.Extra is not { } extra)
            return list;
        foreach (var (name, value) in extra)
        {
            if (!name.Equals("Platforms", StringComparison.OrdinalIgnoreCase) || value.ValueKind != JsonValueKind.Array)
                continue;
            foreach (var p in value.EnumerateArray())
            {
                if (p.ValueKind != JsonValueKind.Object)
                    continue;
                list.Add((Member(p, "Architecture"), Member(p, "OS")));
            }
        }
        return list;
    }

    private static string? Member(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                return property.Value.GetString();
        }
        return null;
    }
}
