using Berth.Plugins.Swarmkit.Model;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Dispatcher;

/// <param name="Addr">The address the node is reached at (its advertise address, without port for workers).</param>
public sealed record HeartbeatRequest(string NodeId, NodeDescription Description, string Addr);

/// <param name="PeriodMs">When to send the next heartbeat.</param>
/// <param name="Managers">Manager addresses to fall back on when this one goes away.</param>
/// <param name="Role">The role the leader holds the node to have now (swarmkit sends the node object on the session); a node that
/// differs changes its role (promotion, demotion).</param>
public sealed record HeartbeatResponse(long PeriodMs, IReadOnlyList<string> Managers, string? Role = null);

public sealed record AssignmentsRequest(string NodeId, string KnownRevision, long WaitMs);

public sealed record TaskStatusRequest(string NodeId, IReadOnlyList<TaskStatusReport> Reports);
