namespace Berth.Plugins.Swarmkit.Model;

public sealed record Node : StoredObject
{
    public override ObjectKind Kind => ObjectKind.Node;
    public NodeSpec Spec { get; init; } = new();
    public NodeDescription? Description { get; init; }
    public NodeStatus Status { get; init; } = new();
    public ManagerStatus? ManagerStatus { get; init; }

    /// <summary>
    /// The role the node holds now (swarmkit's observed <c>Node.Role</c>), which trails <see cref="NodeSpec.Role"/> while a
    /// promotion or demotion is reconciled by the leader; null on nodes stored before it was kept, meaning the spec's.
    /// Internal to the swarm: the Engine API shows only the spec.
    /// </summary>
    public string? Role { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public string ObservedRole => Role ?? Spec.Role;
}

public sealed record NodeSpec
{
    public string? Name { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
    public string Role { get; init; } = NodeRoles.Worker;
    public string Availability { get; init; } = NodeAvailability.Active;
}

public sealed record NodeDescription
{
    public string Hostname { get; init; } = "";
    public Platform Platform { get; init; } = new();
    public NodeResources Resources { get; init; } = new();
    public EngineDescription Engine { get; init; } = new();
    public TlsInfo? TLSInfo { get; init; }
}

public sealed record Platform(string Architecture = "x86_64", string OS = "linux");

public sealed record NodeResources(long NanoCPUs = 0, long MemoryBytes = 0);

public sealed record EngineDescription
{
    public string EngineVersion { get; init; } = "";
    public Dictionary<string, string>? Labels { get; init; }
    public IReadOnlyList<PluginDescription>? Plugins { get; init; }
}

public sealed record PluginDescription(string Type, string Name);

/// <param name="State">unknown, down, ready, disconnected.</param>
public sealed record NodeStatus(string State = NodeStates.Unknown, string? Message = null, string? Addr = null);

/// <param name="Reachability">unknown, unreachable, reachable.</param>
/// <param name="Addr">The manager's advertised address (host:port): its raft and control endpoint.</param>
public sealed record ManagerStatus(bool Leader, string Reachability, string Addr);

public static class NodeRoles
{
    public const string Worker = "worker";
    public const string Manager = "manager";
}

public static class NodeAvailability
{
    public const string Active = "active";
    public const string Pause = "pause";
    public const string Drain = "drain";
}

public static class NodeStates
{
    public const string Unknown = "unknown";
    public const string Down = "down";
    public const string Ready = "ready";
    public const string Disconnected = "disconnected";
}
