using System.Buffers;
using System.Globalization;
using Berth.Kernel.Runtime;
using Berth.Kernel.Runtime.Native;
using Berth.Sdk.Logging;

namespace Berth.Kernel.Containers.Logs;

/// <summary>
/// Carries one container's output from conmon's k8s-file log into the log plugin's FIFO as Docker log-plugin frames.
/// The file is the buffer that survives berthd and plugin restarts: the forwarder resumes from a checkpoint taken
/// when every plugin had read everything sent so far, and punches out what was delivered (keeping a tail) so the
/// file never holds more than a little on disk.
/// </summary>
public sealed class OutputForwarder : IAsyncDisposable
{
    private const int ChunkSize = 1 << 16;
    private static readonly TimeSpan IdleMax = TimeSpan.FromMilliseconds(200);

    private readonly RuntimePaths paths;
    private readonly IReadOnlyList<LogFifo> fifos;
    private readonly long keptBytes;
    private readonly TimeProvider time;
    private readonly CancellationTokenSource stop = new();
    private readonly TaskCompletionSource draining = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task loop;
    private long punched;

    public OutputForwarder(RuntimePaths paths, IReadOnlyList<LogFifo> fifos, long keptBytes, TimeProvider time)
    {
        this.paths = paths;
        this.fifos = fifos;
        this.keptBytes = keptBytes;
        this.time = time;
        loop = Task.Run(RunAsync);
    }

    private string CheckpointPath => paths.Output + ".offset";

    /// <summary>Forwards what the (exited) container wrote up to the end of the file, then stops.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        draining.TrySetResult();
        await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        try
        {
            await ForwardAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            Serilog.Log.Warning("log forwarding for {Id} stopped: {Message}", paths.Id, ex.Message);
        }
    }

    private async Task ForwardAsync()
    {
        var token = stop.Token;
        while (!File.Exists(paths.Output))
        {
            if (draining.Task.IsCompleted) return;
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, token).ConfigureAwait(false);
        }
        await using var file = new FileStream(paths.Output, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        var offset = Math.Min(LoadCheckpoint(), file.Length);
        punched = offset - (offset % 4096);
        var saved = offset;
        var buffer = new byte[ChunkSize];
        var filled = 0;
        var frames = new ArrayBufferWriter<byte>(ChunkSize + 1024);
        var stamps = new K8sLogLine.TimestampCache();
        var idle = TimeSpan.FromMilliseconds(5);
        long readPosition = offset;
        while (true)
        {
            file.Position = readPosition;
            var read = await file.ReadAsync(buffer.AsMemory(filled), token).ConfigureAwait(false);
            if (read == 0)
            {
                if (saved != offset && fifos.All(f => f.Unread == 0))
                {
                    SaveCheckpoint(offset);
                    saved = offset;
                    Punch(file, offset);
                }
                if (draining.Task.IsCompleted) return;
                await Task.WhenAny(Task.Delay(idle, time, token), draining.Task).ConfigureAwait(false);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, IdleMax.Ticks));
                continue;
            }
            idle = TimeSpan.FromMilliseconds(5);
            readPosition += read;
            filled += read;
            var consumed = Frame(buffer.AsSpan(0, filled), frames, ref stamps, flushAll: filled == buffer.Length);
            if (frames.WrittenCount > 0)
            {
                foreach (var fifo in fifos) await fifo.Stream.WriteAsync(frames.WrittenMemory, token).ConfigureAwait(false);
            }
            frames.ResetWrittenCount();
            offset += consumed;
            Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
            filled -= consumed;
        }
    }

    /// <summary>Turns complete lines into frames; returns the bytes consumed.</summary>
    private static int Frame(ReadOnlySpan<byte> data, ArrayBufferWriter<byte> frames, ref K8sLogLine.TimestampCache stamps, bool flushAll)
    {
        var consumed = 0;
        while (true)
        {
            var newline = data[consumed..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (!flushAll || consumed == data.Length) return consumed;
                newline = data.Length - consumed; // a line longer than the buffer: pass it on as it is
            }
            var line = data.Slice(consumed, newline);
            consumed = Math.Min(data.Length, consumed + newline + 1);
            if (K8sLogLine.TryParse(line, ref stamps, out var nanos, out var stderr, out var partial, out var text))
                LogEntryCodec.Encode(frames, new LogEntryView(stderr ? "stderr"u8 : "stdout"u8, nanos, text, partial));
            if (consumed >= data.Length) return consumed;
        }
    }

    private long LoadCheckpoint()
    {
        try
        {
            return long.TryParse(File.ReadAllText(CheckpointPath), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private void SaveCheckpoint(long offset)
    {
        var temp = CheckpointPath + ".tmp";
        File.WriteAllText(temp, offset.ToString(CultureInfo.InvariantCulture));
        File.Move(temp, CheckpointPath, overwrite: true);
    }

    /// <summary>Frees the delivered part of the file except a kept tail; the file keeps its size (sparse).</summary>
    private void Punch(FileStream file, long delivered)
    {
        var upTo = delivered - keptBytes;
        upTo -= upTo % 4096;
        if (upTo - punched < 1 << 20) return;
        if (LibC.Fallocate((int)file.SafeFileHandle.DangerousGetHandle(), LibC.FallocPunchHole, punched, upTo - punched) == 0) punched = upTo;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        stop.Dispose();
    }
}
