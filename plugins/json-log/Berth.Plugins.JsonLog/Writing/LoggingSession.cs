using System.Net.Sockets;
using Berth.Sdk.Logging;
using Berth.Sdk.Logs;

namespace Berth.Plugins.JsonLog.Writing;

/// <summary>
/// Drains one container's FIFO into its json-file log: reads large chunks, turns every complete frame into a line and
/// writes the batch at once. Stopping cancels the pending read, then takes what is still in the FIFO without waiting
/// (the kernel keeps its write end open, so there is no end of file to wait for).
/// </summary>
internal sealed class LoggingSession
{
    private const int ReadSize = 1 << 18;
    private static readonly TimeSpan FrameCompletionWait = TimeSpan.FromSeconds(2);

    private readonly LogFifoReader fifo;
    private readonly RotatingLogFile file;
    private readonly LogFileHub hub;
    private readonly ReplayFilter replay;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private byte[] buffer = new byte[ReadSize];
    private int filled;
    private bool broken;

    public LoggingSession(string fifoPath, LogFifoReader fifo, RotatingLogFile file, LogFileHub hub, ReplayFilter replay)
    {
        FifoPath = fifoPath;
        this.fifo = fifo;
        this.file = file;
        this.hub = hub;
        this.replay = replay;
        loop = Task.Run(RunAsync);
    }

    public string FifoPath { get; }

    public LogFileHub Hub => hub;

    /// <summary>False once the kernel closed the FIFO or the stream could not be decoded.</summary>
    public bool IsRunning => !loop.IsCompleted;

    /// <summary>Writes what is left in the FIFO, then closes the FIFO and the log file.</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        try
        {
            while (!broken)
            {
                MakeRoom();
                var read = fifo.ReadAvailable(buffer.AsSpan(filled));
                if (read == 0) break;
                filled += read;
                await ConsumeAsync().ConfigureAwait(false);
            }
            if (filled > 0 && !broken) await CompleteFrameAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or SocketException)
        {
            PluginLog.Warning($"{FifoPath}: draining the log FIFO: {ex.Message}");
        }
        finally
        {
            await file.DisposeAsync().ConfigureAwait(false);
            fifo.Dispose();
            stop.Dispose();
            hub.WriterStopped();
        }
    }

    /// <summary>
    /// The FIFO ends inside a frame: its writer (berthd) is writing the rest now. Take exactly that rest, so the FIFO is
    /// left at a frame boundary for the next reader (this plugin restarted or upgraded) rather than in the middle of one.
    /// </summary>
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
            PluginLog.Warning($"{FifoPath}: dropped {filled} bytes of an incomplete log entry");
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
        catch (Exception ex) when (ex is IOException or InvalidDataException or SocketException or UnauthorizedAccessException)
        {
            broken = true;
            PluginLog.Warning($"{FifoPath}: logging stopped: {ex.Message}");
        }
    }

    /// <summary>Writes the complete frames in the buffer, rotating and flushing on the way as they fall due.</summary>
    private async Task ConsumeAsync()
    {
        var offset = 0;
        while (true)
        {
            var due = WriteFrames(ref offset);
            if (due == Due.Rotation) await file.RotateAsync(CancellationToken.None).ConfigureAwait(false);
            else if (due == Due.Flush) await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            else break;
        }
        Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
        filled -= offset;
        await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private Due WriteFrames(ref int offset)
    {
        while (LogEntryCodec.TryDecode(buffer.AsSpan(offset, filled - offset), out var entry, out var length))
        {
            if (file.RotationDue) return Due.Rotation;
            if (file.FlushDue) return Due.Flush;
            if (replay.Admit(entry)) file.Append(entry);
            offset += length;
        }
        return Due.Nothing;
    }

    /// <summary>A frame larger than the buffer: grow it to hold the whole frame.</summary>
    private void MakeRoom()
    {
        if (filled < buffer.Length) return;
        LogEntryCodec.TryDecode(buffer, out _, out var needed);
        Array.Resize(ref buffer, needed);
    }

    private enum Due
    {
        Nothing,
        Rotation,
        Flush,
    }
}
