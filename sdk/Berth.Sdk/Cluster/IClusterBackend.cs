using System.Text.Json;
using Berth.Sdk.Logging;

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

    /// <param name="force">For nodes: remove one that is not down (<c>docker node rm --force</c>).</param>
    Task RemoveAsync(string kind, string idOrName, bool force, CancellationToken cancellationToken);

    /// <summary>
    /// Agent side: the tasks this node must run, with the secrets and configs they reference. Answers at once
    /// when the assignments differ from <paramref name="knownRevision"/>; otherwise when they change, or after a
    /// while with the same revision. Outside a swarm the answer is empty with an empty revision.
    /// </summary>
    [LongRunning]
    Task<NodeAssignments> GetAssignmentsAsync(string knownRevision, CancellationToken cancellationToken);

    /// <summary>Agent side: task state transitions observed on this node, oldest first.</summary>
    Task ReportTaskStatusAsync(IReadOnlyList<TaskStatusReport> reports, CancellationToken cancellationToken);

    /// <summary>
    /// Manager side of <c>docker service logs</c>: the logs of tasks wherever they ran, gathered from each node's agent
    /// (swarmkit's log broker), as <see cref="TaskLogCodec"/> records. Without <see cref="ReadConfig.Follow"/> the
    /// stream ends once every node answered, or after a bounded wait with a warning record naming those that did not.
    /// Disposing the stream ends the subscription on every node. Added in cluster/1.1: the default body keeps a backend
    /// built against cluster/1.0 loadable (it answers NotImplemented, which berthd turns into a 501).
    /// </summary>
    [Idempotent]
    Task<Stream> ReadTaskLogsAsync(TaskLogsRequest request, CancellationToken cancellationToken) =>
        throw BerthException.NotImplemented("this cluster backend speaks cluster/1.0: service and task logs need cluster/1.1");
}

/// <param name="TaskIds">The tasks whose containers' logs are wanted.</param>
/// <param name="Config">As for <c>docker logs</c>: since, tail and follow apply to each task's container.</param>
public sealed record TaskLogsRequest(IReadOnlyList<string> TaskIds, ReadConfig Config);

/// <param name="Nodes">Nodes in the swarm, known on managers only.</param>
/// <param name="Cluster">The <c>Cluster</c> object of <c>docker info</c> (ID, Version, Spec, TLSInfo…), on managers only.</param>
public sealed record SwarmStatus(
    string LocalNodeState,
    string NodeId,
    string NodeAddr,
    bool ControlAvailable,
    string Error,
    IReadOnlyList<SwarmPeer> RemoteManagers,
    int Nodes = 0,
    int Managers = 0,
    JsonElement? Cluster = null);

public sealed record SwarmPeer(string NodeId, string Addr);

public sealed record SwarmUpdateFlags(bool RotateWorkerToken, bool RotateManagerToken, bool RotateManagerUnlockKey);

/// <param name="Revision">Changes whenever anything in the set changes.</param>
/// <param name="Tasks">Engine API task documents (ID, ServiceID, Slot, NodeID, Spec, Status, DesiredState…) assigned to this node.</param>
/// <param name="ServiceNames">Service id → name, for the tasks' container names and labels.</param>
public sealed record NodeAssignments(
    string Revision,
    string NodeId,
    IReadOnlyList<JsonElement> Tasks,
    IReadOnlyDictionary<string, string> ServiceNames,
    IReadOnlyList<AssignedFile> Secrets,
    IReadOnlyList<AssignedFile> Configs);

/// <summary>A secret's or config's payload, sent only to the nodes whose tasks reference it.</summary>
public sealed record AssignedFile(string Id, string Name, byte[] Data);

/// <param name="State">Engine API task state: accepted, preparing, ready, starting, running, complete, shutdown, failed, rejected.</param>
/// <param name="Err">Error text for failed and rejected tasks (e.g. <c>task: non-zero exit (1)</c>).</param>
/// <param name="Ports">Host-mode published ports once running (the task's <c>Status.PortStatus</c>); null leaves them as they were.</param>
public sealed record TaskStatusReport(
    string TaskId,
    string State,
    string Message,
    string? Err,
    string? ContainerId,
    int? Pid,
    int? ExitCode,
    DateTimeOffset Timestamp,
    IReadOnlyList<TaskPublishedPort>? Ports = null);

/// <param name="Protocol"><c>tcp</c>, <c>udp</c> or <c>sctp</c>.</param>
/// <param name="PublishedPort">The host port, chosen by the node when the spec left it to it.</param>
public sealed record TaskPublishedPort(string Protocol, int TargetPort, int PublishedPort);
