using System.Net.Sockets;
using Berth.Sdk.Logging;

namespace Berth.Sdk.Logs;

/// <summary>
/// One container's logging: reads its FIFO in large chunks and hands every complete frame, in order, to the driver.
/// Stopping cancels the pending read and then takes what is still in the FIFO without waiting.
/// </summary>
internal sealed class LogSession
{
    private const int ReadSize = 1 << 16;
    private static readonly TimeSpan FrameCompletionWait = TimeSpan.FromSeconds(2);

    private readonly LogFifoReader fifo;
    private readonly Func<LogEntry, ValueTask> write;
    private readonly TextWriter log;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private byte[] buffer = new byte[ReadSize];
    private int filled;
    private bool broken;

    public LogSession(string path, LogInfo info, LogFifoReader fifo, Func<LogEntry, ValueTask> write, TextWriter log)
    {
        Path = path;
        Info = info;
        this.fifo = fifo;
        this.write = write;
        this.log = log;
        loop = Task.Run(RunAsync);
    }

    public string Path { get; }

    public LogInfo Info { get; }

    /// <summary>False once berthd closed the FIFO or its frames could not be decoded.</summary>
    public bool IsRunning => !loop.IsCompleted;

    /// <summary>
    /// Stops reading; with <paramref name="drain"/> first hands over what is left in the FIFO. Without, it still reads
    /// the rest of a frame it holds a part of, so the FIFO is left at a frame boundary for the next reader (the plugin
    /// restarted or upgraded) instead of in the middle of one.
    /// </summary>
    public async Task StopAsync(bool drain)
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        try
        {
            if (!drain && filled > 0 && !broken)
                await CompleteFrameAsync().ConfigureAwait(false);
            while (drain && !broken)
            {
                MakeRoom();
                var read = fifo.ReadAvailable(buffer.AsSpan(filled));
                if (read == 0) break;
                filled += read;
                await ConsumeAsync().ConfigureAwait(false);
            }
            if (drain && filled > 0 && !broken)
                await log.WriteLineAsync($"{Path}: dropped {filled} bytes of an incomplete log entry").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or SocketException)
        {
            await log.WriteLineAsync($"{Path}: draining the log FIFO: {ex.Message}").ConfigureAwait(false);
        }
        finally
        {
            fifo.Dispose();
            stop.Dispose();
        }
    }

    private async Task CompleteFrameAsync()
    {
        using var patience = new CancellationTokenSource(FrameCompletionWait);
        try
        {
            (buffer, filled) = await fifo.ReadRestOfFrameAsync(buffer, filled, patience.Token).ConfigureAwait(false);
            await ConsumeAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await log.WriteLineAsync($"{Path}: the rest of a log entry did not come within {FrameCompletionWait.TotalSeconds:0} s; its {filled} bytes are dropped").ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                MakeRoom();
                var read = await fifo.ReadAsync(buffer.AsMemory(filled), stop.Token).ConfigureAwait(false);
                if (read == 0) return;
                filled += read;
                await ConsumeAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or SocketException)
        {
            broken = true;
            await log.WriteLineAsync($"{Path}: logging stopped: {ex.Message}").ConfigureAwait(false);
        }
    }

    private async Task ConsumeAsync()
    {
        var offset = 0;
        while (NextEntry(offset, out var entry, out var length))
        {
            offset += length;
            try
            {
                await write(entry).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await log.WriteLineAsync($"{Path}: storing a log entry failed, it is lost: {ex.Message}").ConfigureAwait(false);
            }
        }
        Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
        filled -= offset;
    }

    private bool NextEntry(int offset, out LogEntry entry, out int length)
    {
        if (LogEntryCodec.TryDecode(buffer.AsSpan(offset, filled - offset), out var view, out length))
        {
            entry = view.ToLogEntry();
            return true;
        }
        entry = null!;
        return false;
    }

    /// <summary>A frame larger than the buffer: grow it to hold the whole frame.</summary>
    private void MakeRoom()
    {
        if (filled < buffer.Length) return;
        LogEntryCodec.TryDecode(buffer, out _, out var needed);
        Array.Resize(ref buffer, Math.Max(needed, buffer.Length * 2));
    }
}
