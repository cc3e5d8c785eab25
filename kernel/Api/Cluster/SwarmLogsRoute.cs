using System.Text.Json;
using Berth.Kernel.Api.Containers;
using Berth.Kernel.Cluster;
using Berth.Kernel.Containers;
using Berth.Sdk;
using Berth.Sdk.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static Berth.Kernel.Api.Cluster.ClusterRoutes;

namespace Berth.Kernel.Api.Cluster;

/// <summary>
/// <c>GET /services/{id}/logs</c> and <c>/tasks/{id}/logs</c> for tasks whose container lives on this node: each
/// container's log is read back as <c>docker logs</c> reads it and written as Moby's swarm log stream (with the task's
/// details, which <c>docker service logs</c> needs for its prefix). Tasks that ran on other nodes answer 501 until
/// cross-node logs exist.
/// </summary>
public static class SwarmLogsRoute
{
    public const string RemoteMessage = "service logs from other nodes are not supported yet by this version of Berth";

    /// <summary>After a followed container stops, how long its log driver gets to hand over the last lines.</summary>
    private static readonly TimeSpan FollowGrace = TimeSpan.FromMilliseconds(600);
    private static readonly Version MultiplexedVersion = new(1, 42);

    public static async Task ServiceLogsAsync(HttpContext context)
    {
        var options = SwarmLogOptions.Parse(context);
        var backend = Membership(context).Manager();
        var service = await backend.GetAsync("services", Id(context), context.RequestAborted).ConfigureAwait(false);
        var serviceId = StringAt(service, "ID") ?? Id(context);
        var tty = BoolAt(service, "Spec", "TaskTemplate", "ContainerSpec", "TTY");
        var filters = JsonSerializer.SerializeToElement(new Dictionary<string, string[]> { ["service"] = [serviceId] });
        var tasks = await backend.ListAsync("tasks", filters, context.RequestAborted).ConfigureAwait(false);
        var node = (await backend.GetStatusAsync(context.RequestAborted).ConfigureAwait(false)).NodeId;
        var list = tasks.ValueKind == JsonValueKind.Array ? tasks.EnumerateArray().Where(t => StringAt(t, "ServiceID") == serviceId).ToList() : [];
        await StreamAsync(context, list, node, tty, options).ConfigureAwait(false);
    }

    public static async Task TaskLogsAsync(HttpContext context)
    {
        var options = SwarmLogOptions.Parse(context);
        var backend = Membership(context).Manager();
        var task = await backend.GetAsync("tasks", Id(context), context.RequestAborted).ConfigureAwait(false);
        var tty = BoolAt(task, "Spec", "ContainerSpec", "TTY");
        var node = (await backend.GetStatusAsync(context.RequestAborted).ConfigureAwait(false)).NodeId;
        await StreamAsync(context, [task], node, tty, options).ConfigureAwait(false);
    }

    /// <summary>Tasks that got a container on another node cannot be served yet; tasks without one have no log.</summary>
    public static bool RanElsewhere(JsonElement task, string localNode)
    {
        var nodeId = StringAt(task, "NodeID");
        return !string.IsNullOrEmpty(nodeId) && nodeId != localNode && !string.IsNullOrEmpty(StringAt(task, "Status", "ContainerStatus", "ContainerID"));
    }

    private static async Task StreamAsync(HttpContext context, IReadOnlyList<JsonElement> tasks, string localNode, bool tty, SwarmLogOptions options)
    {
        if (tasks.Any(t => RanElsewhere(t, localNode))) throw BerthException.NotImplemented(RemoteMessage);
        var containers = context.RequestServices.GetRequiredService<ContainerService>();
        var sources = new List<(Container Container, SwarmLogSource Source)>();
        foreach (var task in tasks)
        {
            var taskId = StringAt(task, "ID") ?? "";
            var container = containers.Store.All
                .Where(c => c.Labels.TryGetValue(SwarmLabels.TaskId, out var id) && id == taskId && !c.RemovalInProgress)
                .OrderBy(c => c.Created)
                .FirstOrDefault();
            if (container is null) continue;
            sources.Add((container, new SwarmLogSource(StringAt(task, "NodeID") ?? localNode, StringAt(task, "ServiceID") ?? "", taskId)));
        }
        sources.Sort((a, b) => a.Container.Created.CompareTo(b.Container.Created));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var readers = new List<(Stream Entries, SwarmLogSource Source, Task? Exited)>();
        try
        {
            foreach (var (container, source) in sources)
            {
                var follow = options.Follow && (container.State.Running || container.State.Restarting);
                var exited = follow ? containers.WaitAsync(container.Id, "next-exit") : null;
                var read = new ReadConfig(options.Since, null, options.Tail, follow);
                Stream entries;
                try
                {
                    entries = await containers.Logs.ReadAsync(container, read, stop.Token).ConfigureAwait(false);
                }
                catch (BerthException ex) when (ex.Kind is BerthErrorKind.NotFound or BerthErrorKind.NotImplemented or BerthErrorKind.InvalidParameter)
                {
                    continue; // removed meanwhile, or a log driver that cannot read back: Moby's log broker skips those too
                }
                readers.Add((entries, source, exited));
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = !tty && ApiMiddleware.RequestedVersion(context) >= MultiplexedVersion ? Hijack.MultiplexedStream : Hijack.RawStream;
            await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            var frames = new SwarmLogFrames(context.Response.Body, multiplexed: !tty, options);
            if (!options.Follow)
            {
                foreach (var (entries, source, _) in readers)
                    await frames.CopyAsync(entries, source, flushEach: false, stop.Token).ConfigureAwait(false);
            }
            else
            {
                await Task.WhenAll(readers.Select(r => FollowAsync(frames, r.Entries, r.Source, r.Exited, stop.Token))).ConfigureAwait(false);
            }
            await context.Response.Body.FlushAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            foreach (var (entries, _, _) in readers) await entries.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One task's entries until its container exits (and the driver had a moment to hand over its last lines) or the client goes.</summary>
    private static async Task FollowAsync(SwarmLogFrames frames, Stream entries, SwarmLogSource source, Task? exited, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (exited is not null) _ = StopAfterExitAsync(exited, stop);
        try
        {
            await frames.CopyAsync(entries, source, flushEach: true, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static async Task StopAfterExitAsync(Task exited, CancellationTokenSource stop)
    {
        try
        {
            await exited.WaitAsync(stop.Token).ConfigureAwait(false);
            await Task.Delay(FollowGrace, stop.Token).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or BerthException)
        {
        }
    }

    private static string? StringAt(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return null;
        }
        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }

    private static bool BoolAt(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return false;
        }
        return element.ValueKind == JsonValueKind.True;
    }
}
