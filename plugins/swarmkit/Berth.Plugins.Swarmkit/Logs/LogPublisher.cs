using Berth.Plugins.Swarmkit.Agent;
using Berth.Plugins.Swarmkit.Rpc;
using Berth.Sdk;
using Berth.Sdk.Cluster;
using Berth.Sdk.Kernel;
using Berth.Sdk.Logging;

namespace Berth.Plugins.Swarmkit.Logs;

/// <summary>
/// This node's agent side of <c>docker service logs</c> (swarmkit's agent log publisher): long-polls the leader, through
/// whichever manager the node reaches, for the subscriptions naming this node; for each, reads its task containers'
/// logs from the kernel and sends them to the gathering manager's log channel, then an end record. A subscription
/// that ends (the client went away) is torn down here too.
/// </summary>
public sealed class LogPublisher(string nodeId, Func<IManagerLink> link, IKernelHost kernel, Func<string, CancellationToken, Task<Stream>> dial, TimeProvider time, TextWriter log)
{
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How often an idle publisher tells the manager it is still there.</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var running = new Dictionary<string, (CancellationTokenSource Stop, Task Publishing)>(StringComparer.Ordinal);
        var handled = new HashSet<string>(StringComparer.Ordinal);
        var known = -1L;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                NodeLogSubscriptions answer;
                try
                {
                    answer = await link().LogSubscriptionsAsync(new LogSubscriptionsRequest(nodeId, known, (long)PollWait.TotalMilliseconds), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is BerthException or IOException)
                {
                    await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                known = answer.Revision;
                Reconcile(answer.Subscriptions, running, handled, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var (stop, _) in running.Values)
                await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running.Values.Select(r => r.Publishing)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void Reconcile(IReadOnlyList<LogSubscription> subscriptions, Dictionary<string, (CancellationTokenSource Stop, Task Publishing)> running,
        HashSet<string> handled, CancellationToken cancellationToken)
    {
        var wanted = subscriptions.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, (stop, publishing)) in running.ToList())
        {
            if (!wanted.Contains(id))
                stop.Cancel();
            if (!wanted.Contains(id) || publishing.IsCompleted)
            {
                running.Remove(id);
                handled.Add(id);
            }
        }
        handled.IntersectWith(wanted);
        foreach (var subscription in subscriptions.Where(s => !running.ContainsKey(s.Id) && !handled.Contains(s.Id)))
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            running[subscription.Id] = (stop, Task.Run(() => PublishAsync(subscription, stop), CancellationToken.None));
        }
    }

    /// <summary>Sends one subscription's part; ends when everything was sent, the manager hung up, or the subscription ended.</summary>
    public async Task PublishAsync(LogSubscription subscription, CancellationTokenSource stop)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(stop);
        try
        {
            await using var stream = await dial(subscription.BrokerAddr, stop.Token).ConfigureAwait(false);
            await RpcFrames.WriteAsync(stream, new LogPublishHello(subscription.Id, nodeId), stop.Token).ConfigureAwait(false);
            var sender = new RecordSender(stream, stop);
            var keepalive = KeepAliveAsync(sender, stop.Token);
            if (subscription.Config.Follow)
            {
                await Task.WhenAll(subscription.Targets.Select(t => PublishTargetAsync(subscription, t, sender, stop.Token))).ConfigureAwait(false);
            }
            else
            {
                foreach (var target in subscription.Targets)
                    await PublishTargetAsync(subscription, target, sender, stop.Token).ConfigureAwait(false);
            }
            await sender.SendAsync(TaskLogRecord.End, flush: true).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await keepalive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is BerthException or IOException or ObjectDisposedException or InvalidDataException)
        {
            await log.WriteLineAsync($"swarm: publishing logs for subscription {subscription.Id} to {subscription.BrokerAddr} failed: {e.Message}").ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task PublishTargetAsync(LogSubscription subscription, LogTarget target, RecordSender sender, CancellationToken cancellationToken)
    {
        Stream entries;
        try
        {
            entries = await kernel.ReadContainerLogsAsync(target.ContainerId, subscription.Config, cancellationToken).ConfigureAwait(false);
        }
        catch (BerthException e) when (e.Kind is BerthErrorKind.NotFound or BerthErrorKind.InvalidParameter or BerthErrorKind.NotImplemented)
        {
            return; // removed meanwhile, or a log driver that cannot read back: swarmkit's publisher skips those too
        }
        await using (entries.ConfigureAwait(false))
        {
            var buffered = new BufferedStream(entries, 64 * 1024);
            while (await LogEntryCodec.ReadAsync(buffered, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (entry.Source.Length == 0)
                    continue; // the kernel's keepalive
                var record = new TaskLogRecord(TaskLogRecordKind.Entry, nodeId, target.ServiceId, target.TaskId, entry);
                await sender.SendAsync(record, flush: subscription.Config.Follow).ConfigureAwait(false);
            }
        }
    }

    private async Task KeepAliveAsync(RecordSender sender, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(KeepaliveInterval, time, cancellationToken).ConfigureAwait(false);
            await sender.SendAsync(TaskLogRecord.Keepalive, flush: true).ConfigureAwait(false);
        }
    }

    /// <summary>Sends whole records one at a time; a failed send stops the whole publication.</summary>
    private sealed class RecordSender(Stream stream, CancellationTokenSource stop)
    {
        private readonly SemaphoreSlim gate = new(1, 1);

        public async Task SendAsync(TaskLogRecord record, bool flush)
        {
            await gate.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                await TaskLogCodec.WriteAsync(stream, record, stop.Token).ConfigureAwait(false);
                if (flush)
                    await stream.FlushAsync(stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
