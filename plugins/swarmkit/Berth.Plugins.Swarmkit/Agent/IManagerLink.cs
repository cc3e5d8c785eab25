using Berth.Plugins.Swarmkit.Dispatcher;
using Berth.Plugins.Swarmkit.Logs;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Agent;

/// <summary>How this node's agent reaches the managers: in process on a manager, over the control channel on a worker.</summary>
public interface IManagerLink
{
    Task<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken);

    Task<NodeAssignments> AssignmentsAsync(AssignmentsRequest request, CancellationToken cancellationToken);

    Task ReportAsync(TaskStatusRequest request, CancellationToken cancellationToken);

    /// <summary>Long poll for the log subscriptions this node must publish to (kept by the leader).</summary>
    Task<NodeLogSubscriptions> LogSubscriptionsAsync(LogSubscriptionsRequest request, CancellationToken cancellationToken);
}
