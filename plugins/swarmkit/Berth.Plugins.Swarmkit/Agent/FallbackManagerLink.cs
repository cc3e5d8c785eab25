using Berth.Plugins.Swarmkit.Dispatcher;
using Berth.Plugins.Swarmkit.Logs;
using Berth.Sdk;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Agent;

/// <summary>
/// A manager's agent link: its own dispatcher first, the other managers when that one cannot reach a leader. A manager
/// that was removed from raft (demoted) no longer finds the leader through its own store; through the others its
/// heartbeats still reach it and learn the node's new role.
/// </summary>
public sealed class FallbackManagerLink(IManagerLink primary, IManagerLink fallback) : IManagerLink
{
    public Task<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken) =>
        CallAsync(link => link.HeartbeatAsync(request, cancellationToken));

    public Task<NodeAssignments> AssignmentsAsync(AssignmentsRequest request, CancellationToken cancellationToken) =>
        primary.AssignmentsAsync(request, cancellationToken);

    public Task ReportAsync(TaskStatusRequest request, CancellationToken cancellationToken) =>
        CallAsync<object?>(async link =>
        {
            await link.ReportAsync(request, cancellationToken).ConfigureAwait(false);
            return null;
        });

    public Task<NodeLogSubscriptions> LogSubscriptionsAsync(LogSubscriptionsRequest request, CancellationToken cancellationToken) =>
        primary.LogSubscriptionsAsync(request, cancellationToken);

    private async Task<T> CallAsync<T>(Func<IManagerLink, Task<T>> call)
    {
        try
        {
            return await call(primary).ConfigureAwait(false);
        }
        catch (BerthException e) when (e.Kind == BerthErrorKind.Unavailable)
        {
            return await call(fallback).ConfigureAwait(false);
        }
    }
}
