using System.Text.Json;

namespace Berth.Sdk.Cluster;

/// <summary>
/// Swarm-mode cluster management. Specs and objects are the Engine API's JSON documents
/// (<c>/swarm</c>, <c>/nodes</c>, <c>/services</c>, <c>/tasks</c>, <c>/secrets</c>, <c>/configs</c>),
/// passed through unchanged so the backend owns their schema and validation.
/// </summary>
public interface IClusterBackend
{
    /// <summary>The node's swarm state as <c>docker info</c> shows it (LocalNodeState, NodeID, ControlAvailable…).</summary>
    [Idempotent]
    Task<SwarmStatus> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>Returns the new node id.</summary>
    [LongRunning]
    Task<string> InitAsync(JsonElement request, CancellationToken cancellationToken);

    [LongRunning]
    Task JoinAsync(JsonElement request, CancellationToken cancellationToken);

    [LongRunning]
    Task LeaveAsync(bool force, CancellationToken cancellationToken);

    [Idempotent]
    Task<JsonElement> InspectAsync(CancellationToken cancellationToken);

    Task UpdateAsync(long version, JsonElement spec, SwarmUpdateFlags flags, CancellationToken cancellationToken);

    Task UnlockAsync(string unlockKey, CancellationToken cancellationToken);

    [Idempotent]
    Task<string> GetUnlockKeyAsync(CancellationToken cancellationToken);

    /// <summary>Lists objects of a kind (<c>nodes</c>, <c>services</c>, <c>tasks</c>, <c>secrets</c>, <c>configs</c>) with Engine API filters.</summary>
    [Idempotent]
    Task<JsonElement> ListAsync(string kind, JsonElement filters, CancellationToken cancellationToken);

    [Idempotent]
    Task<JsonElement> GetAsync(string kind, string idOrName, CancellationToken cancellationToken);

    /// <summary>Creates an object from its spec and returns the Engine API's create answer (<c>{"ID":…}</c>).</summary>
    Task<JsonElement> CreateAsync(string kind, JsonElement spec, CancellationToken cancellationToken);

    Task<JsonElement> UpdateObjectAsync(string kind, string idOrName, long version, JsonElement spec, CancellationToken cancellationToken);

    Task RemoveAsync(string kind, string idOrName, CancellationToken cancellationToken);
}

public sealed record SwarmStatus(
    string LocalNodeState,
    string NodeId,
    string NodeAddr,
    bool ControlAvailable,
    string Error,
    IReadOnlyList<SwarmPeer> RemoteManagers);

public sealed record SwarmPeer(string NodeId, string Addr);

public sealed record SwarmUpdateFlags(bool RotateWorkerToken, bool RotateManagerToken, bool RotateManagerUnlockKey);
