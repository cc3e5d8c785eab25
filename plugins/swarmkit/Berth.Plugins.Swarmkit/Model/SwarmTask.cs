using Berth.Sdk.Cluster;
namespace Berth.Plugins.Swarmkit.Model;

/// <summary>The Engine API's Task (named so it does not collide with System.Threading.Tasks.Task).</summary>
public sealed record SwarmTask : StoredObject
{
    public override ObjectKind Kind => ObjectKind.Task;
    public string? Name { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
    public TaskSpec Spec { get; init; } = new();
    public string ServiceID { get; init; } = "";

    /// <summary>The replica number of a replicated service; 0 for global tasks.</summary>
    public long Slot { get; init; }
    public string? NodeID { get; init; }
    public TaskStatus Status { get; init; } = new();
    public string DesiredState { get; init; } = TaskStates.Running;

    /// <summary>
    /// swarmkit's Task.Endpoint: the service's endpoint spec (and its host-mode ports) as it was when the task was made.
    /// The scheduler reads the host ports from it, and a service whose endpoint spec differs marks the task for update.
    /// </summary>
    public ServiceEndpoint? Endpoint { get; init; }
}

public sealed record TaskStatus
{
    public DateTime Timestamp { get; init; }
    public string State { get; init; } = TaskStates.New;
    public string? Message { get; init; }
    public string? Err { get; init; }
    public ContainerStatus? ContainerStatus { get; init; }
    public PortStatus? PortStatus { get; init; }
}

public sealed record ContainerStatus(string? ContainerID = null, int? PID = null, int? ExitCode = null);

public sealed record PortStatus(IReadOnlyList<PortConfig>? Ports = null);
