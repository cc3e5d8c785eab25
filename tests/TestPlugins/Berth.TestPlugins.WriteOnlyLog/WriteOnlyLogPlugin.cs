using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Berth.Sdk;
using Berth.Sdk.Logging;

[assembly: BerthPlugin(typeof(Berth.TestPlugins.WriteOnlyLog.WriteOnlyLogPlugin))]

namespace Berth.TestPlugins.WriteOnlyLog;

/// <summary>
/// A log driver like syslog or fluentd as far as the daemon can tell: it takes every line (appending
/// <c>stream: text</c> to the file named by the <c>path</c> log option) and cannot read logs back, so
/// <c>docker logs</c> must come from the daemon's local cache.
/// </summary>
public sealed partial class WriteOnlyLogPlugin : ILogDriver
{
    private readonly ConcurrentDictionary<string, (Task Run, CancellationTokenSource Stop)> sessions = new(StringComparer.Ordinal);

    public Task<LogCapabilities> CapabilitiesAsync(CancellationToken cancellationToken) => Task.FromResult(new LogCapabilities(ReadLogs: false));

    public Task StartLoggingAsync(string file, LogInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (!info.Config.TryGetValue("path", out var path)) throw BerthException.Invalid("write-only-log: the path log option is required");
        if (sessions.ContainsKey(file)) return Task.CompletedTask;
        var fd = Open(file, 0x800 | 0x80000); // O_RDONLY | O_NONBLOCK | O_CLOEXEC
        if (fd < 0) throw new BerthException($"write-only-log: opening {file} failed ({Marshal.GetLastPInvokeError()})");
        var fifo = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        var stop = new CancellationTokenSource();
        sessions[file] = (DrainAsync(fifo, path, stop.Token), stop);
        return Task.CompletedTask;
    }

    public async Task StopLoggingAsync(string file, CancellationToken cancellationToken)
    {
        if (!sessions.TryRemove(file, out var session)) return;
        await session.Stop.CancelAsync().ConfigureAwait(false);
        await session.Run.ConfigureAwait(false);
        session.Stop.Dispose();
    }

    public Task<Stream> ReadLogsAsync(LogInfo info, ReadConfig config, CancellationToken cancellationToken) =>
        throw BerthException.NotImplemented("write-only-log cannot read logs");

    /// <summary>Appends each frame's line until stopped; what was already read is written before it ends.</summary>
    private static async Task DrainAsync(Socket fifo, string path, CancellationToken stop)
    {
        using (fifo)
        {
            await using var output = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            var buffer = new byte[LogEntryCodec.MaxMessageLength + LogEntryCodec.HeaderLength];
            var filled = 0;
            while (true)
            {
                int read;
                try
                {
                    read = await fifo.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    read = 0;
                }
                filled += read;
                var consumed = WriteFrames(buffer.AsSpan(0, filled), output);
                Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                filled -= consumed;
                await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                if (read == 0) return;
            }
        }
    }

    private static int WriteFrames(ReadOnlySpan<byte> data, FileStream output)
    {
        var consumed = 0;
        while (LogEntryCodec.TryDecode(data[consumed..], out var entry, out var length))
        {
            output.Write(Encoding.UTF8.GetBytes($"{Encoding.UTF8.GetString(entry.Source)}: {Encoding.UTF8.GetString(entry.Line)}\n"));
            consumed += length;
        }
        return consumed;
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);
}
