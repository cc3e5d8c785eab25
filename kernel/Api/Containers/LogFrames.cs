using System.Globalization;
using System.Text;
using Berth.Sdk.Logging;

namespace Berth.Kernel.Api.Containers;

/// <summary>
/// Writes a log driver's entries to a client as Docker does for <c>docker logs</c> and <c>attach?logs=1</c>: raw
/// for a TTY container, else in 8-byte-header frames; only the chosen streams, optionally time-stamped.
/// </summary>
public sealed class LogFrames(Stream output, bool tty, bool stdout, bool stderr, bool timestamps)
{
    private readonly byte[] header = new byte[8];

    /// <summary>Copies every entry of <paramref name="entries"/>; with <paramref name="flushEach"/> (following) each is flushed.</summary>
    public async Task CopyAsync(Stream entries, bool flushEach, CancellationToken cancellationToken)
    {
        var reader = new LogEntryReader(entries);
        while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            var isErr = reader.Current.Source.SequenceEqual("stderr"u8);
            if (isErr ? !stderr : !stdout) continue;
            var text = Payload(reader.Current, timestamps);
            if (!tty)
            {
                StreamFrames.WriteHeader(header, isErr ? StreamFrames.Stderr : StreamFrames.Stdout, text.Length);
                await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
            }
            await output.WriteAsync(text, cancellationToken).ConfigureAwait(false);
            if (flushEach) await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static byte[] Payload(in LogEntryView entry, bool timestamps)
    {
        var line = entry.Line;
        var newline = entry.Partial ? 0 : 1;
        var stamp = timestamps ? Encoding.ASCII.GetBytes(Rfc3339Nano(entry.TimeNano) + " ") : [];
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
}
