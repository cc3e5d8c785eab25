using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Dispatcher;
using Berth.Plugins.Swarmkit.Logs;
using Berth.Plugins.Swarmkit.Rpc;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Agent;

/// <summary>A manager's own dispatcher: assignments from this manager's state, the rest on the leader. Also what the control channel serves to workers.</summary>
public sealed class LocalManagerLink(DispatcherService dispatcher, LeaderCalls leader, LogSubscriptionRegistry logs) : IManagerLink
{
    public Task<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken) =>
        leader.CallAsync(RpcMethods.Heartbeat, request, ct => dispatcher.HeartbeatAsync(request, ct), cancellationToken);

    public Task<NodeAssignments> AssignmentsAsync(AssignmentsRequest request, CancellationToken cancellationToken) =>
        dispatcher.WaitForAssignmentsAsync(request.NodeId, request.KnownRevision, TimeSpan.FromMilliseconds(Math.Clamp(request.WaitMs, 0, 60_000)), cancellationToken);

    public Task ReportAsync(TaskStatusRequest request, CancellationToken cancellationToken) =>
        leader.CallAsync(RpcMethods.TaskStatus, request, ct => dispatcher.UpdateTaskStatusAsync(request, ct), cancellationToken);

    public Task<NodeLogSubscriptions> LogSubscriptionsAsync(LogSubscriptionsRequest request, CancellationToken cancellationToken) =>
        leader.CallAsync(RpcMethods.LogSubscriptions, request, ct => logs.WaitAsync(request, ct), cancellationToken);
}
