using System.Collections.Concurrent;
using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Rpc;
using Berth.Plugins.Swarmkit.Store;
using Berth.Plugins.Swarmkit.Transport;
using Berth.Sdk;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Logs;

/// <summary>
/// A manager's side of <c>docker service logs</c> (swarmkit's log broker): opens a subscription for the tasks asked
/// for, registers it with the leader so that the agents of the nodes involved learn of it, takes their publishing
/// connections on the log channel of this manager's swarm port and merges what they send into one stream. Without
/// follow the stream ends when every node is done, a node that is down or silent failing it with Moby's warning.
/// </summary>
public sealed class LogBroker(IClusterStore store, LeaderCalls leader, LogSubscriptionRegistry registry, string advertiseAddr, TimeProvider time, TextWriter log)
{
    /// <summary>How long a node that is up gets to start publishing, when not following.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a publishing node may stay silent (publishers send keepalives) before it counts as gone.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the reader of a followed stream gets a keepalive, how often the deadlines are checked and the lease renewed.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, BrokerSubscription> open = new(StringComparer.Ordinal);

    public int Open => open.Count;

    /// <summary>Starts gathering; the stream returned ends as described on <see cref="LogBroker"/>, or when disposed.</summary>
    public Task<Stream> OpenAsync(TaskLogsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var state = store.Current;
        var nodes = new Dictionary<string, List<LogTarget>>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var id in request.TaskIds.Distinct(StringComparer.Ordinal))
        {
            var task = state.Tasks.GetValueOrDefault(id) ?? throw BerthException.NotFound($"task {id} not found");
            if (string.IsNullOrEmpty(task.NodeID))
            {
                problems.Add($"task {task.ID} has not been scheduled");
                continue;
            }
            if (task.Status.ContainerStatus?.ContainerID is not { Length: > 0 } container)
                continue;
            if (!nodes.TryGetValue(task.NodeID, out var targets))
                nodes[task.NodeID] = targets = [];
            targets.Add(new LogTarget(task.ID, task.ServiceID, container));
        }
        var subscribe = new LogSubscribeRequest(ObjectIds.New(), advertiseAddr, request.Config,
            nodes.ToDictionary(n => n.Key, n => (IReadOnlyList<LogTarget>)n.Value, StringComparer.Ordinal));
        var down = request.Config.Follow ? [] : nodes.Keys.Where(n => state.Nodes.GetValueOrDefault(n)?.Status.State != NodeStates.Ready).ToList();
        var subscription = new BrokerSubscription(subscribe, request.Config.Follow, down, request.Config.Follow ? [] : problems, time);
        open[subscription.Id] = subscription;
        _ = Task.Run(() => RunAsync(subscription), CancellationToken.None);
        return Task.FromResult(subscription.Output);
    }

    private async Task RunAsync(BrokerSubscription subscription)
    {
        try
        {
            await RegisterAsync(subscription).ConfigureAwait(false);
            var renewed = time.GetUtcNow();
            while (!subscription.Ending.IsCancellationRequested && !subscription.Settled.IsCompleted)
            {
                try
                {
                    await subscription.Settled.WaitAsync(Tick, time, subscription.Ending).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                }
                subscription.Expire(ConnectTimeout, IdleTimeout);
                if (subscription.Follow && !await subscription.WriteAsync(TaskLogRecord.Keepalive, subscription.Ending).ConfigureAwait(false))
                    break;
                if (time.GetUtcNow() - renewed >= LogSubscriptionRegistry.Lease / 3)
                {
                    await RegisterAsync(subscription).ConfigureAwait(false);
                    renewed = time.GetUtcNow();
                }
            }
            if (subscription.Warning() is { } warning)
                await subscription.WriteAsync(TaskLogRecord.ForWarning(warning), subscription.Ending).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The reader went away.
        }
        catch (Exception e)
        {
            await log.WriteLineAsync($"swarm: log subscription {subscription.Id} failed: {e.Message}").ConfigureAwait(false);
        }
        finally
        {
            open.TryRemove(subscription.Id, out _);
            await subscription.FinishAsync().ConfigureAwait(false);
            await UnregisterAsync(subscription.Id).ConfigureAwait(false);
            subscription.Dispose();
        }
    }

    // Tells the leader, so that the agents learn of the subscription. Without a leader nothing is published: the nodes time out.
    private async Task RegisterAsync(BrokerSubscription subscription)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(subscription.Ending);
            timeout.CancelAfter(ConnectTimeout);
            await leader.CallAsync(RpcMethods.LogSubscribe, subscription.Request, _ =>
            {
                registry.Subscribe(subscription.Request);
                return Task.CompletedTask;
            }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BerthException or IOException || (e is OperationCanceledException && !subscription.Ending.IsCancellationRequested))
        {
            await log.WriteLineAsync($"swarm: could not register log subscription {subscription.Id} with the leader: {e.Message}").ConfigureAwait(false);
        }
    }

    private async Task UnregisterAsync(string id)
    {
        try
        {
            using var timeout = new CancellationTokenSource(ConnectTimeout, time);
            var request = new LogUnsubscribeRequest(id);
            await leader.CallAsync(RpcMethods.LogUnsubscribe, request, _ =>
            {
                registry.Unsubscribe(id);
                return Task.CompletedTask;
            }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BerthException or IOException or OperationCanceledException)
        {
            // The lease ends it on the leader.
        }
    }

    /// <summary>The log channel of the swarm port: a node's agent publishing its part of a subscription.</summary>
    public async Task AcceptAsync(AcceptedConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        LogPublishHello? hello;
        using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            handshake.CancelAfter(ConnectTimeout);
            hello = await RpcFrames.ReadAsync<LogPublishHello>(connection.Stream, handshake.Token).ConfigureAwait(false);
        }
        if (hello is null || connection.Peer?.NodeId != hello.NodeId || !open.TryGetValue(hello.SubscriptionId, out var subscription)
            || !subscription.Connected(hello.NodeId))
            return;
        var node = hello.NodeId;
        var targets = subscription.Request.Nodes[node].ToDictionary(t => t.TaskId, StringComparer.Ordinal);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, subscription.Ending);
        try
        {
            while (await TaskLogCodec.ReadAsync(connection.Stream, linked.Token).ConfigureAwait(false) is { } record)
            {
                subscription.Heard(node);
                switch (record.Kind)
                {
                    case TaskLogRecordKind.Entry when targets.TryGetValue(record.TaskId, out var target):
                        // The ids come from the subscription, not from the publisher.
                        if (!await subscription.WriteAsync(record with { NodeId = node, ServiceId = target.ServiceId }, linked.Token).ConfigureAwait(false))
                            return;
                        break;
                    case TaskLogRecordKind.End:
                        subscription.Ended(node);
                        return;
                }
            }
            subscription.Lost(node);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or ObjectDisposedException)
        {
            subscription.Lost(node);
        }
    }
}
