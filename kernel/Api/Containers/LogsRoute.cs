using System.Globalization;
using System.Text;
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
        await using var frames = await service.Logs.ReadAsync(container, read, stop.Token).ConfigureAwait(false);
        context.Response.StatusCode = 200;
        context.Response.ContentType = container.Tty ? Hijack.RawStream : Hijack.MultiplexedStream;
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        if (exited is not null) _ = StopAfterExitAsync(exited, stop);

        var header = new byte[8];
        var reader = new LogEntryReader(frames);
        try
        {
            while (await reader.MoveNextAsync(stop.Token).ConfigureAwait(false))
            {
                var isErr = reader.Current.Source.SequenceEqual("stderr"u8);
                if (isErr ? !stderr : !stdout) continue;
                var text = Payload(reader.Current, timestamps);
                if (!container.Tty)
                {
                    StreamFrames.WriteHeader(header, isErr ? StreamFrames.Stderr : StreamFrames.Stdout, text.Length);
                    await context.Response.Body.WriteAsync(header, stop.Token).ConfigureAwait(false);
                }
                await context.Response.Body.WriteAsync(text, stop.Token).ConfigureAwait(false);
                if (follow) await context.Response.Body.FlushAsync(stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static byte[] Payload(in LogEntryView entry, bool timestamps)
    {
        var line = entry.Line;
        var newline = entry.Partial ? 0 : 1;
        if (!timestamps)
        {
            var plain = new byte[line.Length + newline];
            line.CopyTo(plain);
            if (newline == 1) plain[^1] = (byte)'\n';
            return plain;
        }
        var stamp = Encoding.ASCII.GetBytes(Rfc3339Nano(entry.TimeNano) + " ");
        var result = new byte[stamp.Length + line.Length + newline];
        stamp.CopyTo(result, 0);
        line.CopyTo(result.AsSpan(stamp.Length));
        if (newline == 1) result[^1] = (byte)'\n';
        return result;
    }

    /// <summary>Go's RFC3339Nano: trailing zeros of the fraction dropped.</summary>
    public static string Rfc3339Nano(long unixNanos)
    {
        var seconds = Math.DivRem(unixNanos, 1_000_000_000, out var nanos);
        var time = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (nanos == 0) return time + "Z";
        return time + "." + nanos.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0') + "Z";
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
