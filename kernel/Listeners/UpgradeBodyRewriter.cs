using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace Berth.Kernel.Listeners;

/// <summary>
/// Kestrel refuses an upgrade request that has a body ("Requests with 'Connection: Upgrade' cannot have content"),
/// yet the docker CLI sends exactly that for <c>POST /exec/{id}/start</c> (JSON body + <c>Upgrade: tcp</c>). This
/// connection middleware peeks at the first request of each connection; only when it is such a request does it move
/// the body into an <c>X-Berth-Upgrade-Body</c> header (base64) so Kestrel accepts the upgrade. Every other
/// connection is handed on untouched, without a copy.
/// </summary>
public static class UpgradeBodyRewriter
{
    public const string BodyHeader = "X-Berth-Upgrade-Body";
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 1024 * 1024;

    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        var input = connection.Transport.Input;
        var rewritten = await TryRewriteAsync(input, connection.ConnectionClosed).ConfigureAwait(false);
        if (rewritten is not null)
        {
            var pipe = new Pipe();
            await pipe.Writer.WriteAsync(rewritten, connection.ConnectionClosed).ConfigureAwait(false);
            var pump = PumpAsync(input, pipe.Writer);
            var original = connection.Transport;
            connection.Transport = new DuplexPipe(pipe.Reader, original.Output);
            try
            {
                await next(connection).ConfigureAwait(false);
            }
            finally
            {
                connection.Transport = original;
                input.CancelPendingRead();
                await pump.ConfigureAwait(false);
            }
            return;
        }
        await next(connection).ConfigureAwait(false);
    };

    /// <returns>The rewritten request head (the request's bytes consumed), or null with nothing consumed.</returns>
    private static async Task<byte[]?> TryRewriteAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            var buffer = result.Buffer;
            var headLength = HeadLength(buffer);
            if (headLength < 0)
            {
                if (result.IsCompleted || result.IsCanceled || buffer.Length > MaxHeaderBytes)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    return null;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            var head = Encoding.Latin1.GetString(buffer.Slice(0, headLength).ToArray());
            var length = ContentLengthOfUpgrade(head);
            if (length is null or 0 || length > MaxBodyBytes)
            {
                input.AdvanceTo(buffer.Start, buffer.Start);
                return null;
            }
            var total = headLength + length.Value;
            if (buffer.Length < total)
            {
                if (result.IsCompleted)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    return null;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            var body = buffer.Slice(headLength, length.Value).ToArray();
            var lines = Lines(head).Where(l => l.Length > 0 && !l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            var rebuilt = string.Join("\r\n", lines) + $"\r\n{BodyHeader}: {Convert.ToBase64String(body)}\r\n\r\n";
            input.AdvanceTo(buffer.GetPosition(total));
            return Encoding.Latin1.GetBytes(rebuilt);
        }
    }

    /// <summary>The Content-Length of a request that also asks for <c>Connection: Upgrade</c>; null otherwise.</summary>
    private static long? ContentLengthOfUpgrade(string head)
    {
        var upgrade = false;
        long? length = null;
        foreach (var line in Lines(head).Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && value.Contains("upgrade", StringComparison.OrdinalIgnoreCase)) upgrade = true;
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && long.TryParse(value, out var parsed)) length = parsed;
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) return null;
        }
        return upgrade ? length : null;
    }

    /// <summary>
    /// The length of the request head including its closing empty line, or -1 while incomplete. Clients differ in
    /// line endings (Docker.DotNet ends header lines with a bare LF, which Kestrel tolerates), so the empty line
    /// is an LF followed by CR LF or by LF.
    /// </summary>
    private static long HeadLength(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (reader.TryAdvanceTo((byte)'\n', advancePastDelimiter: true))
        {
            if (reader.IsNext((byte)'\n', advancePast: false)) return reader.Consumed + 1;
            if (reader.IsNext("\r\n"u8, advancePast: false)) return reader.Consumed + 2;
        }
        return -1;
    }

    private static IEnumerable<string> Lines(string head) => head.Split('\n').Select(l => l.TrimEnd('\r'));

    private static async Task PumpAsync(PipeReader from, PipeWriter to)
    {
        try
        {
            while (true)
            {
                var result = await from.ReadAsync().ConfigureAwait(false);
                foreach (var segment in result.Buffer) await to.WriteAsync(segment).ConfigureAwait(false);
                from.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled) break;
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ConnectionResetException)
        {
        }
        finally
        {
            await to.CompleteAsync().ConfigureAwait(false);
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
