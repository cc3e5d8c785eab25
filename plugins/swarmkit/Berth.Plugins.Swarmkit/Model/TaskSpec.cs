using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Plugins.Swarmkit.Model;

/// <summary>A service's task template. Only what orchestration reads is typed; the rest round-trips through <see cref="Extra"/>.</summary>
public sealed record TaskSpec
{
    public ContainerSpec? ContainerSpec { get; init; }
    public ResourceRequirements? Resources { get; init; }
    public RestartPolicy? RestartPolicy { get; init; }
    public Placement? Placement { get; init; }
    public long ForceUpdate { get; init; }
    public string? Runtime { get; init; }
    public IReadOnlyList<NetworkAttachmentSpec>? Networks { get; init; }
    public JsonElement? LogDriver { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record ContainerSpec
{
    public string Image { get; init; } = "";
    public Dictionary<string, string>? Labels { get; init; }
    public IReadOnlyList<string>? Command { get; init; }
    public IReadOnlyList<string>? Args { get; init; }
    public string? Hostname { get; init; }
    public IReadOnlyList<string>? Env { get; init; }
    public string? Dir { get; init; }
    public string? User { get; init; }
    public long? StopGracePeriod { get; init; }
    public IReadOnlyList<FileReference>? Secrets { get; init; }
    public IReadOnlyList<FileReference>? Configs { get; init; }

    /// <summary>swarmkit's pull options: the client's registry credentials, stored for the agents and never served by the API.</summary>
    public PullOptions? PullOptions { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record PullOptions(string? RegistryAuth = null);

/// <summary>A secret or config reference: <c>{File:{Name,UID,GID,Mode}, SecretID|ConfigID, SecretName|ConfigName}</c>.</summary>
public sealed record FileReference
{
    public FileTarget? File { get; init; }
    public string? SecretID { get; init; }
    public string? SecretName { get; init; }
    public string? ConfigID { get; init; }
    public string? ConfigName { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record FileTarget(string Name, string? UID = "0", string? GID = "0", uint Mode = 0444);

public sealed record ResourceRequirements
{
    public ResourceAmounts? Limits { get; init; }
    public ResourceAmounts? Reservations { get; init; }
}

public sealed record ResourceAmounts
{
    public long NanoCPUs { get; init; }
    public long MemoryBytes { get; init; }
    public long? Pids { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <param name="Condition">none, on-failure, any.</param>
/// <param name="Delay">Nanoseconds.</param>
/// <param name="Window">Nanoseconds.</param>
public sealed record RestartPolicy(string? Condition = null, long? Delay = null, long? MaxAttempts = null, long? Window = null);

public sealed record Placement
{
    public IReadOnlyList<string>? Constraints { get; init; }
    public IReadOnlyList<PlacementPreference>? Preferences { get; init; }
    public long MaxReplicas { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record PlacementPreference(SpreadOver? Spread);

public sealed record SpreadOver(string SpreadDescriptor);

public sealed record NetworkAttachmentSpec(string Target, IReadOnlyList<string>? Aliases = null, Dictionary<string, string>? DriverOpts = null);
