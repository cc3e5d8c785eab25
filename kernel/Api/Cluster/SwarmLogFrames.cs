using System.Globalization;
using System.Net;
using System.Text;
using Berth.Kernel.Api.Containers;
using Berth.Sdk;
using Berth.Sdk.Cluster;
using Berth.Sdk.Logging;
using Microsoft.AspNetCore.Http;

namespace Berth.Kernel.Api.Cluster;

/// <summary>The query of <c>/services/{id}/logs</c> and <c>/tasks/{id}/logs</c>, checked before the stream starts.</summary>
public sealed record SwarmLogOptions(bool Stdout, bool Stderr, bool Timestamps, bool Details, bool Follow, DateTimeOffset? Since, int Tail)
{
    public static SwarmLogOptions Parse(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stdout = ApiMiddleware.QueryBool(context, "stdout");
        var stderr = ApiMiddleware.QueryBool(context, "stderr");
        if (!stdout && !stderr) throw BerthException.Invalid("must specify at least one of 'stdout' or 'stderr'");
        var query = context.Request.Query;
        var tailText = query["tail"].ToString();
        var tail = int.TryParse(tailText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        return new SwarmLogOptions(stdout, stderr, ApiMiddleware.QueryBool(context, "timestamps"), ApiMiddleware.QueryBool(context, "details"),
            ApiMiddleware.QueryBool(context, "follow"), Api.Timestamps.Parse(query["since"], "since"), tail);
    }
}

/// <summary>Which task a log line comes from: the details <c>docker service logs</c> reads its <c>name.slot.id@node</c> prefix from.</summary>
public sealed record SwarmLogSource(string NodeId, string ServiceId, string TaskId)
{
    /// <summary>Moby's attrsByteSlice: the attributes sorted by key, query-escaped, comma-separated.</summary>
    public string Details =>
        $"com.docker.swarm.node.id={WebUtility.UrlEncode(NodeId)},com.docker.swarm.service.id={WebUtility.UrlEncode(ServiceId)},com.docker.swarm.task.id={WebUtility.UrlEncode(TaskId)}";
}

/// <summary>
/// Writes log entries as Moby's swarm log stream does (daemon/server/httputils/logstream): an optional fixed-width
/// RFC 3339 timestamp, then with <c>details</c> the source's attributes and a space, then the line; in 8-byte frames
/// unless the service has a TTY. Several tasks' readers may write at once: each entry is written whole.
/// </summary>
public sealed class SwarmLogFrames(Stream output, bool multiplexed, SwarmLogOptions options)
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task CopyAsync(Stream entries, SwarmLogSource source, bool flushEach, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(source);
        var details = options.Details ? source.Details : null;
        var reader = new LogEntryReader(entries);
        while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!Wanted(reader.Current)) continue;
            await WriteAsync(Frame(reader.Current, details, options.Timestamps, multiplexed), flushEach, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes a cluster log stream (<see cref="TaskLogCodec"/> records from other nodes): entries with their task's
    /// details, warnings as Moby's "Error grabbing logs" on the system-error stream; until its end record or EOF.
    /// </summary>
    public async Task CopyRecordsAsync(Stream records, bool flushEach, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        while (await TaskLogCodec.ReadAsync(records, cancellationToken).ConfigureAwait(false) is { } record)
        {
            switch (record.Kind)
            {
                case TaskLogRecordKind.Entry when record.Entry is { } entry:
                    var view = new LogEntryView(Encoding.UTF8.GetBytes(entry.Source), entry.TimeNano, entry.Line.Span, entry.Partial, entry.PartialMetadata);
                    if (!Wanted(view)) continue;
                    var details = options.Details ? new SwarmLogSource(record.NodeId, record.ServiceId, record.TaskId).Details : null;
                    await WriteAsync(Frame(view, details, options.Timestamps, multiplexed), flushEach, cancellationToken).ConfigureAwait(false);
                    break;
                case TaskLogRecordKind.Warning:
                    await WriteAsync(ErrorFrame(record.Warning ?? "", multiplexed), flushEach: true, cancellationToken).ConfigureAwait(false);
                    break;
                case TaskLogRecordKind.End:
                    return;
            }
        }
    }

    /// <summary>Moby's WriteLogStream for a message carrying an error: "Error grabbing logs: …" on the system-error stream (3) when multiplexed.</summary>
    public static byte[] ErrorFrame(string message, bool multiplexed)
    {
        var text = Encoding.UTF8.GetBytes($"Error grabbing logs: rpc error: code = Unknown desc = {message}\n");
        if (!multiplexed) return text;
        var frame = new byte[8 + text.Length];
        StreamFrames.WriteHeader(frame, StreamFrames.Systemerr, text.Length);
        text.CopyTo(frame, 8);
        return frame;
    }

    // Keepalives (no source) carry nothing; stdout and stderr as the query asked.
    private bool Wanted(in LogEntryView entry) =>
        !entry.Source.IsEmpty && (entry.Source.SequenceEqual("stderr"u8) ? options.Stderr : options.Stdout);

    private async Task WriteAsync(byte[] frame, bool flushEach, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await output.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            if (flushEach) await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>One entry as the client receives it, header included when multiplexed.</summary>
    public static byte[] Frame(in LogEntryView entry, string? details, bool timestamps, bool multiplexed)
    {
        var prefix = new StringBuilder();
        if (timestamps) prefix.Append(FixedRfc3339Nano(entry.TimeNano)).Append(' ');
        if (details is not null) prefix.Append(details).Append(' ');
        var head = Encoding.UTF8.GetBytes(prefix.ToString());
        var newline = entry.Partial ? 0 : 1;
        var headerLength = multiplexed ? 8 : 0;
        var payloadLength = head.Length + entry.Line.Length + newline;
        var frame = new byte[headerLength + payloadLength];
        if (multiplexed)
            StreamFrames.WriteHeader(frame, entry.Source.SequenceEqual("stderr"u8) ? StreamFrames.Stderr : StreamFrames.Stdout, payloadLength);
        head.CopyTo(frame, headerLength);
        entry.Line.CopyTo(frame.AsSpan(headerLength + head.Length));
        if (newline == 1) frame[^1] = (byte)'\n';
        return frame;
    }

    /// <summary>Moby's rfc3339NanoFixed: always nine fraction digits, so the timestamps line up.</summary>
    public static string FixedRfc3339Nano(long unixNanos)
    {
        var seconds = Math.DivRem(unixNanos, 1_000_000_000, out var nanos);
        if (nanos < 0)
        {
            seconds--;
            nanos += 1_000_000_000;
        }
        var time = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return time + "." + nanos.ToString("D9", CultureInfo.InvariantCulture) + "Z";
    }
}
