using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Plugins.Swarmkit.Model;

/// <summary>The swarm itself: what <c>GET /swarm</c> answers (join tokens included) and <c>docker info</c> shows.</summary>
public sealed record ClusterObject : StoredObject
{
    public const string SingletonId = "cluster";

    public override ObjectKind Kind => ObjectKind.Cluster;
    public SwarmSpec Spec { get; init; } = new();
    public TlsInfo? TLSInfo { get; init; }
    public bool RootRotationInProgress { get; init; }
    public int DataPathPort { get; init; } = 4789;
    public IReadOnlyList<string>? DefaultAddrPool { get; init; }
    public int SubnetSize { get; init; } = 24;
    public JoinTokens JoinTokens { get; init; } = new("", "");
}

public sealed record JoinTokens(string Worker, string Manager);

public sealed record SwarmSpec
{
    public string Name { get; init; } = "default";
    public Dictionary<string, string>? Labels { get; init; }
    public OrchestrationConfig Orchestration { get; init; } = new();
    public RaftConfig Raft { get; init; } = new();
    public DispatcherConfig Dispatcher { get; init; } = new();
    public JsonElement? CAConfig { get; init; }
    public EncryptionConfig EncryptionConfig { get; init; } = new();
    public JsonElement? TaskDefaults { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record OrchestrationConfig(long TaskHistoryRetentionLimit = 5);

public sealed record RaftConfig(long SnapshotInterval = 10000, long KeepOldSnapshots = 0, long LogEntriesForSlowFollowers = 500, int ElectionTick = 10, int HeartbeatTick = 1);

/// <param name="HeartbeatPeriod">Nanoseconds.</param>
public sealed record DispatcherConfig(long HeartbeatPeriod = 5_000_000_000);

public sealed record EncryptionConfig(bool AutoLockManagers = false);

/// <summary>
/// Key material every manager needs and the API never shows: the root CA's key, the join token secrets'
/// source, the data key that seals secrets, the autolock key.
/// </summary>
public sealed record ClusterKeys : StoredObject
{
    public const string SingletonId = "keys";

    public override ObjectKind Kind => ObjectKind.Keys;
    public string RootCaCertPem { get; init; } = "";
    public string RootCaKeyPem { get; init; } = "";

    /// <summary>Base64 of the 32-byte key that seals secret payloads.</summary>
    public string SecretsKey { get; init; } = "";

    /// <summary>The autolock key (<c>SWMKEY-1-…</c>), empty when autolock is off.</summary>
    public string UnlockKey { get; init; } = "";
}
