using System.Text.Json;
using Berth.Kernel.Api.Containers;
using Berth.Kernel.Cluster;
using Berth.Kernel.Containers;
using Berth.Kernel.Containers.Logs;
using Berth.Sdk;
using Berth.Sdk.Cluster;
using Berth.Sdk.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static Berth.Kernel.Api.Cluster.ClusterRoutes;

namespace Berth.Kernel.Api.Cluster;

/// <summary>
/// <c>GET /services/{id}/logs</c> and <c>/tasks/{id}/logs</c>. For tasks whose container lives on this node, each
/// container's log is read back as <c>docker logs</c> reads it and written as Moby's swarm log stream (with the task's
/// details, which <c>docker service logs</c> needs for its prefix). Tasks that ran on other nodes are read through the
/// cluster backend's log broker and merged in.
/// </summary>
public static class SwarmLogsRoute
{
    public const string RemoteMessage = "service logs from other nodes are not supported by this cluster backend";

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
        await StreamAsync(context, backend, list, node, tty, options).ConfigureAwait(false);
    }

    public static async Task TaskLogsAsync(HttpContext context)
    {
        var options = SwarmLogOptions.Parse(context);
        var backend = Membership(context).Manager();
        var task = await backend.GetAsync("tasks", Id(context), context.RequestAborted).ConfigureAwait(false);
        var tty = BoolAt(task, "Spec", "ContainerSpec", "TTY");
        var node = (await backend.GetStatusAsync(context.RequestAborted).ConfigureAwait(false)).NodeId;
        await StreamAsync(context, backend, [task], node, tty, options).ConfigureAwait(false);
    }

    /// <summary>Tasks that got a container on another node are read through the cluster; tasks without one have no log.</summary>
    public static bool RanElsewhere(JsonElement task, string localNode)
    {
        var nodeId = StringAt(task, "NodeID");
        return !string.IsNullOrEmpty(nodeId) && nodeId != localNode && !string.IsNullOrEmpty(StringAt(task, "Status", "ContainerStatus", "ContainerID"));
    }

    private static async Task StreamAsync(HttpContext context, IClusterBackend backend, IReadOnlyList<JsonElement> tasks, string localNode, bool tty, SwarmLogOptions options)
    {
        var containers = context.RequestServices.GetRequiredService<ContainerService>();
        var feed = new ContainerLogFeed(containers, context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System);
        var read = new ReadConfig(options.Since, null, options.Tail, options.Follow);
        var sources = new List<(Container Container, SwarmLogSource Source)>();
        var remote = new List<string>();
        foreach (var task in tasks)
        {
            var taskId = StringAt(task, "ID") ?? "";
            if (RanElsewhere(task, localNode))
            {
                remote.Add(taskId);
                continue;
            }
            var container = containers.Store.All
                .Where(c => c.Labels.TryGetValue(SwarmLabels.TaskId, out var id) && id == taskId && !c.RemovalInProgress)
                .OrderBy(c => c.Created)
                .FirstOrDefault();
            if (container is null) continue;
            sources.Add((container, new SwarmLogSource(StringAt(task, "NodeID") ?? localNode, StringAt(task, "ServiceID") ?? "", taskId)));
        }
        sources.Sort((a, b) => a.Container.Created.CompareTo(b.Container.Created));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var readers = new List<(Stream Entries, SwarmLogSource Source)>();
        Stream? others = null;
        try
        {
            others = await OpenRemoteAsync(backend, remote, read, stop.Token).ConfigureAwait(false);
            foreach (var (container, source) in sources)
            {
                try
                {
                    readers.Add((await feed.OpenAsync(container, read, stop.Token).ConfigureAwait(false), source));
                }
                catch (BerthException ex) when (ex.Kind is BerthErrorKind.NotFound or BerthErrorKind.NotImplemented or BerthErrorKind.InvalidParameter)
                {
                    // removed meanwhile, or a log driver that cannot read back: Moby's log broker skips those too
                }
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = !tty && ApiMiddleware.RequestedVersion(context) >= MultiplexedVersion ? Hijack.MultiplexedStream : Hijack.RawStream;
            await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            var frames = new SwarmLogFrames(context.Response.Body, multiplexed: !tty, options);
            if (!options.Follow)
            {
                foreach (var (entries, source) in readers)
                    await frames.CopyAsync(entries, source, flushEach: false, stop.Token).ConfigureAwait(false);
                if (others is not null)
                    await frames.CopyRecordsAsync(others, flushEach: false, stop.Token).ConfigureAwait(false);
            }
            else
            {
                var copies = readers.Select(r => frames.CopyAsync(r.Entries, r.Source, flushEach: true, stop.Token)).ToList();
                if (others is not null) copies.Add(frames.CopyRecordsAsync(others, flushEach: true, stop.Token));
                await Task.WhenAll(copies).ConfigureAwait(false);
            }
            await context.Response.Body.FlushAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var (entries, _) in readers) await entries.DisposeAsync().ConfigureAwait(false);
            if (others is not null) await others.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The cluster's stream for tasks that ran on other nodes (gathered by the managers' log broker), or null when there are none.</summary>
    private static async Task<Stream?> OpenRemoteAsync(IClusterBackend backend, IReadOnlyList<string> taskIds, ReadConfig read, CancellationToken cancellationToken)
    {
        if (taskIds.Count == 0) return null;
        try
        {
            return await backend.ReadTaskLogsAsync(new TaskLogsRequest(taskIds, read), cancellationToken).ConfigureAwait(false);
        }
        catch (BerthException ex) when (ex.Kind == BerthErrorKind.NotImplemented)
        {
            throw BerthException.NotImplemented(RemoteMessage); // a cluster backend older than cluster/1.1
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
