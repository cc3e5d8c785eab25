using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk;
using Berth.Sdk.Cluster;
using TaskStatus = Berth.Plugins.Swarmkit.Model.TaskStatus;

namespace Berth.Plugins.Swarmkit.Dispatcher;

/// <summary>
/// The manager side of agents (swarmkit's dispatcher): heartbeats and node liveness on the leader, assignments
/// from any manager's state, task status reports written on the leader.
/// </summary>
public sealed class DispatcherService(IClusterStore store, ISecretSealer sealer, TimeProvider time, TextWriter log)
{
    private const int MissedBeats = 3;
    private const int WriteAttempts = 5;
    private readonly HeartbeatTracker tracker = new(time);

    public TimeSpan Period => TimeSpan.FromTicks(Math.Max(store.Current.Cluster?.Spec.Dispatcher.HeartbeatPeriod ?? 5_000_000_000, 100_000_000) / 100);

    /// <summary>Leader only: records the beat and marks the node ready (with its latest description) when it was not.</summary>
    public async Task<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken)
    {
        tracker.Beat(request.NodeId);
        await RetryAsync(state =>
        {
            var node = state.Nodes.GetValueOrDefault(request.NodeId)
                ?? throw BerthException.NotFound($"node {request.NodeId} not found: it was removed from the swarm");
            var status = new NodeStatus(NodeStates.Ready, null, request.Addr);
            // Most beats change nothing: no write then. Descriptions hold lists, so they compare as JSON.
            if (node.Status == status && SwarmJson.ToElement(node.Description).GetRawText() == SwarmJson.ToElement(request.Description).GetRawText())
                return [];
            return [StoreOp.Update(node with { Status = status, Description = request.Description })];
        }, cancellationToken).ConfigureAwait(false);
        var managers = store.Current.Nodes.Values.Where(n => n.Spec.Role == NodeRoles.Manager && n.ManagerStatus is not null)
            .Select(n => n.ManagerStatus!.Addr).ToList();
        return new HeartbeatResponse((long)Period.TotalMilliseconds, managers, store.Current.Nodes.GetValueOrDefault(request.NodeId)?.ObservedRole);
    }

    /// <summary>Leader only, for the term: marks nodes down after <see cref="MissedBeats"/> missed periods.</summary>
    public async Task WatchLivenessAsync(CancellationToken leadership)
    {
        tracker.Reset();
        while (!leadership.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Period / 2, time, leadership).ConfigureAwait(false);
                var grace = Period * MissedBeats;
                await RetryAsync(state => state.Nodes.Values
                    .Where(n => n.Status.State != NodeStates.Down && tracker.IsOverdue(n.ID, grace))
                    .Select(n => StoreOp.Update(n with { Status = n.Status with { State = NodeStates.Down, Message = "heartbeat failure" } }))
                    .ToList(), leadership).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (leadership.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                await log.WriteLineAsync($"swarm: node liveness check failed: {e.Message}").ConfigureAwait(false);
            }
        }
    }

    /// <summary>Any manager: answers when the node's assignments differ from <paramref name="knownRevision"/>, or after <paramref name="wait"/>.</summary>
    public async Task<NodeAssignments> WaitForAssignmentsAsync(string nodeId, string knownRevision, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            var changed = await store.WaitForAsync(s => Assignments.For(s, nodeId, sealer).Revision != knownRevision, timeout.Token).ConfigureAwait(false);
            return Assignments.For(changed, nodeId, sealer);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Assignments.For(store.Current, nodeId, sealer);
        }
    }

    /// <summary>Leader only: applies a node's task reports. States only move forward; reports for tasks on other nodes are ignored.</summary>
    public Task UpdateTaskStatusAsync(TaskStatusRequest request, CancellationToken cancellationToken) =>
        RetryAsync(state =>
        {
            var ops = new List<StoreOp>();
            var latest = new Dictionary<string, SwarmTask>(StringComparer.Ordinal);
            foreach (var report in request.Reports)
            {
                if (!TaskStates.IsKnown(report.State))
                    continue;
                var task = latest.GetValueOrDefault(report.TaskId) ?? state.Tasks.GetValueOrDefault(report.TaskId);
                if (task is null || task.NodeID != request.NodeId || TaskStates.Rank(report.State) < TaskStates.Rank(task.Status.State))
                    continue;
                latest[task.ID] = task with { Status = StatusOf(task.Status, report) };
            }
            ops.AddRange(latest.Values.Select(t => StoreOp.Update(t)));
            return ops;
        }, cancellationToken);

    private static TaskStatus StatusOf(TaskStatus current, TaskStatusReport report) => current with
    {
        State = report.State,
        Message = report.Message,
        Err = report.Err,
        Timestamp = report.Timestamp.UtcDateTime,
        ContainerStatus = report.ContainerId is null && report.ExitCode is null
            ? current.ContainerStatus
            : new ContainerStatus(report.ContainerId ?? current.ContainerStatus?.ContainerID, report.Pid ?? current.ContainerStatus?.PID, report.ExitCode),
        PortStatus = report.Ports is not { Count: > 0 }
            ? current.PortStatus
            : new PortStatus([.. report.Ports.Select(p => new PortConfig(Protocol: p.Protocol, TargetPort: p.TargetPort, PublishedPort: p.PublishedPort, PublishMode: "host"))]),
    };

    // Writes are computed from the leader's latest state and checked against versions; a concurrent change is simply recomputed.
    private async Task RetryAsync(Func<ClusterState, IReadOnlyList<StoreOp>> compute, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ops = compute(store.Current);
            if (ops.Count == 0)
                return;
            try
            {
                await store.ProposeAsync(new StoreCommand(time.GetUtcNow().UtcDateTime, ops), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (BerthException e) when (e.Kind == BerthErrorKind.Conflict && attempt < WriteAttempts)
            {
            }
        }
    }
}
