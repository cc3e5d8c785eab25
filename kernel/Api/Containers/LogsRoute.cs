using System.Globalization;
using Berth.Kernel.Containers;
using Berth.Sdk;
using Berth.Sdk.Logging;
using Microsoft.AspNetCore.Http;

namespace Berth.Kernel.Api.Containers;

/// <summary>GET /containers/{id}/logs: reads the log driver's copy back (json-file) and frames it as Docker does.</summary>
public static class LogsRoute
{
    /// <summary>After a followed container stops, how long the driver gets to hand over its last lines.</summary>
    private static readonly TimeSpan FollowGrace = TimeSpan.FromMilliseconds(600);

    public static async Task LogsAsync(HttpContext context, string id)
    {
        var service = ContainerRoutes.Service(context);
        var container = service.Get(id);
        var stdout = ApiMiddleware.QueryBool(context, "stdout");
        var stderr = ApiMiddleware.QueryBool(context, "stderr");
        if (!stdout && !stderr) throw BerthException.Invalid("Bad parameters: you must choose at least one stream");
        var query = context.Request.Query;
        var tailText = query["tail"].ToString();
        var tail = tailText is "" or "all" ? -1 : int.TryParse(tailText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : -1;
        var follow = ApiMiddleware.QueryBool(context, "follow") && (container.State.Running || container.State.Restarting);
        var timestamps = ApiMiddleware.QueryBool(context, "timestamps");
        var read = new ReadConfig(Timestamps.Parse(query["since"], "since"), Timestamps.Parse(query["until"], "until"), tail, follow);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var exited = follow ? service.WaitAsync(container.Id, "next-exit") : null;
        await using var entries = await service.Logs.ReadAsync(container, read, stop.Token).ConfigureAwait(false);
        context.Response.StatusCode = 200;
        context.Response.ContentType = container.Tty ? Hijack.RawStream : Hijack.MultiplexedStream;
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        if (exited is not null) _ = StopAfterExitAsync(exited, stop);

        try
        {
            var frames = new LogFrames(context.Response.Body, container.Tty, stdout, stderr, timestamps);
            await frames.CopyAsync(entries, flushEach: follow, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
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
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
