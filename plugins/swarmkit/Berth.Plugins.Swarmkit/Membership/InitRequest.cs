using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Membership;

/// <summary>The body of <c>POST /swarm/init</c>.</summary>
public sealed record InitRequest
{
    public string? ListenAddr { get; init; }
    public string? AdvertiseAddr { get; init; }
    public bool ForceNewCluster { get; init; }
    public bool AutoLockManagers { get; init; }
    public string? Availability { get; init; }
    public IReadOnlyList<string>? DefaultAddrPool { get; init; }
    public int SubnetSize { get; init; }
    public int DataPathPort { get; init; }
    public JsonElement? Spec { get; init; }
}

/// <summary>The body of <c>POST /swarm/join</c>.</summary>
public sealed record JoinSwarmRequest
{
    public string? ListenAddr { get; init; }
    public string? AdvertiseAddr { get; init; }
    public IReadOnlyList<string>? RemoteAddrs { get; init; }
    public string? JoinToken { get; init; }
    public string? Availability { get; init; }
}

public static class SwarmSpecs
{
    /// <summary>
    /// The CLI sends every spec field, zero when the user gave no flag; as Moby's initClusterSpec, zero keeps the
    /// default, anything else overrides it.
    /// </summary>
    public static SwarmSpec Merge(SwarmSpec current, JsonElement? requested)
    {
        if (requested is not { ValueKind: JsonValueKind.Object } json)
            return current;
        var spec = SwarmJson.From<SwarmSpec>(json);
        var defaults = new SwarmSpec();
        return current with
        {
            Name = string.IsNullOrEmpty(spec.Name) ? current.Name : spec.Name,
            Labels = spec.Labels ?? current.Labels,
            Orchestration = json.TryGetProperty("Orchestration", out var o) && o.TryGetProperty("TaskHistoryRetentionLimit", out var limit) && limit.ValueKind == JsonValueKind.Number
                ? new OrchestrationConfig(limit.GetInt64())
                : current.Orchestration,
            Raft = current.Raft with
            {
                SnapshotInterval = spec.Raft.SnapshotInterval > 0 && spec.Raft.SnapshotInterval != defaults.Raft.SnapshotInterval ? spec.Raft.SnapshotInterval : current.Raft.SnapshotInterval,
                KeepOldSnapshots = NonZero(spec.Raft.KeepOldSnapshots, current.Raft.KeepOldSnapshots),
                LogEntriesForSlowFollowers = NonZero(spec.Raft.LogEntriesForSlowFollowers, current.Raft.LogEntriesForSlowFollowers),
            },
            Dispatcher = new DispatcherConfig(NonZero(Read(json, "Dispatcher", "HeartbeatPeriod"), current.Dispatcher.HeartbeatPeriod)),
            CAConfig = spec.CAConfig ?? current.CAConfig,
            EncryptionConfig = json.TryGetProperty("EncryptionConfig", out var enc) && enc.TryGetProperty("AutoLockManagers", out var auto)
                ? new EncryptionConfig(auto.ValueKind == JsonValueKind.True)
                : current.EncryptionConfig,
            TaskDefaults = spec.TaskDefaults ?? current.TaskDefaults,
        };
    }

    private static long Read(JsonElement json, string section, string field) =>
        json.TryGetProperty(section, out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetInt64()
            : 0;

    private static long NonZero(long value, long fallback) => value > 0 ? value : fallback;
}
