using Berth.Plugins.Swarmkit.Dispatcher;
using Berth.Plugins.Swarmkit.Logs;
using Berth.Plugins.Swarmkit.Rpc;
using Berth.Sdk;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Agent;

/// <summary>A worker's way to the managers: sticks to the last one that answered, moves to the next when it stops answering.</summary>
public sealed class RemoteManagerLink(RpcClient rpc, Func<IReadOnlyList<string>> managers) : IManagerLink
{
    private string? current;

    public Task<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken) =>
        CallAsync<HeartbeatResponse>(RpcMethods.Heartbeat, request, cancellationToken);

    public Task<NodeAssignments> AssignmentsAsync(AssignmentsRequest request, CancellationToken cancellationToken) =>
        CallAsync<NodeAssignments>(RpcMethods.Assignments, request, cancellationToken);

    public Task ReportAsync(TaskStatusRequest request, CancellationToken cancellationToken) =>
        CallAsync<object?>(RpcMethods.TaskStatus, request, cancellationToken);

    public Task<NodeLogSubscriptions> LogSubscriptionsAsync(LogSubscriptionsRequest request, CancellationToken cancellationToken) =>
        CallAsync<NodeLogSubscriptions>(RpcMethods.LogSubscriptions, request, cancellationToken);

    private async Task<T> CallAsync<T>(string method, object request, CancellationToken cancellationToken)
    {
        var known = managers();
        var order = current is not null && known.Contains(current) ? known.Where(m => m != current).Prepend(current) : known;
        BerthException? last = null;
        foreach (var address in order)
        {
            try
            {
                var answer = await rpc.CallAsync<T>(address, method, request, cancellationToken).ConfigureAwait(false);
                current = address;
                return answer;
            }
            catch (BerthException e) when (e.Kind == BerthErrorKind.Unavailable)
            {
                last = e;
            }
        }
        throw last ?? BerthException.Unavailable("no manager of the swarm is known to this node");
    }
}
