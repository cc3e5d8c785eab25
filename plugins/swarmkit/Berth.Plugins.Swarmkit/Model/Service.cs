using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Plugins.Swarmkit.Model;

public sealed record Service : StoredObject
{
    public override ObjectKind Kind => ObjectKind.Service;
    public override string? UniqueName => Spec.Name;
    public ServiceSpec Spec { get; init; } = new();
    public ServiceSpec? PreviousSpec { get; init; }
    public ServiceEndpoint? Endpoint { get; init; }
    public UpdateStatus? UpdateStatus { get; init; }

    /// <summary>Running and desired task counts; computed when listed, never stored.</summary>
    public ServiceStatus? ServiceStatus { get; init; }
}

public sealed record ServiceSpec
{
    public string Name { get; init; } = "";
    public Dictionary<string, string>? Labels { get; init; }
    public TaskSpec TaskTemplate { get; init; } = new();
    public ServiceMode Mode { get; init; } = new();
    public UpdateConfig? UpdateConfig { get; init; }
    public UpdateConfig? RollbackConfig { get; init; }
    public IReadOnlyList<NetworkAttachmentSpec>? Networks { get; init; }
    public EndpointSpec? EndpointSpec { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record ServiceMode
{
    public ReplicatedMode? Replicated { get; init; }
    public JsonElement? Global { get; init; }
    public JsonElement? ReplicatedJob { get; init; }
    public JsonElement? GlobalJob { get; init; }

    [JsonIgnore]
    public bool IsGlobal => Global is { ValueKind: JsonValueKind.Object };
}

public sealed record ReplicatedMode(long? Replicas = 1);

/// <param name="Delay">Nanoseconds between batches.</param>
/// <param name="FailureAction">pause, continue, rollback.</param>
/// <param name="Monitor">Nanoseconds a new task is watched after it starts.</param>
/// <param name="Order">stop-first, start-first.</param>
public sealed record UpdateConfig(
    long Parallelism = 1,
    long Delay = 0,
    string? FailureAction = null,
    long Monitor = 0,
    double MaxFailureRatio = 0,
    string? Order = null);

public sealed record EndpointSpec
{
    public string? Mode { get; init; }
    public IReadOnlyList<PortConfig>? Ports { get; init; }
}

/// <param name="PublishMode">ingress or host.</param>
public sealed record PortConfig(
    string? Name = null,
    string Protocol = "tcp",
    int TargetPort = 0,
    int? PublishedPort = null,
    string? PublishMode = null);

public sealed record ServiceEndpoint
{
    public EndpointSpec? Spec { get; init; }
    public IReadOnlyList<PortConfig>? Ports { get; init; }
}

/// <param name="State">updating, paused, completed, rollback_started, rollback_paused, rollback_completed.</param>
public sealed record UpdateStatus(string State, DateTime? StartedAt = null, DateTime? CompletedAt = null, string? Message = null);

public sealed record ServiceStatus(long RunningTasks, long DesiredTasks, long CompletedTasks = 0);
