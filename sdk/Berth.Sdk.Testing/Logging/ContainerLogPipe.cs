using System.Buffers;
using System.Text;
using Berth.Sdk.Logging;
using Microsoft.Win32.SafeHandles;

namespace Berth.Sdk.Testing;

/// <summary>
/// One container's log FIFO as berthd sets it up: made with mkfifo and held open read-write, so the driver's open never
/// blocks and frames wait in the pipe while no driver reads. Lines go in as Docker's log-plugin frames.
/// </summary>
public sealed class ContainerLogPipe : IAsyncDisposable
{
    private readonly FileStream stream;

    private ContainerLogPipe(string path, FileStream stream)
    {
        Path = path;
        this.stream = stream;
    }

    /// <summary>The FIFO's path, what StartLogging and StopLogging are given.</summary>
    public string Path { get; }

    public static ContainerLogPipe Create(string path)
    {
        FileOps.Fifo(path, 0x180);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        return new ContainerLogPipe(path, new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0));
    }

    /// <summary>Writes the lines as one write of frames, each one nanosecond after <paramref name="firstTimeNano"/>.</summary>
    public async Task WriteLinesAsync(IEnumerable<string> lines, long firstTimeNano, string source = "stdout", CancellationToken cancellationToken = default)
    {
        await stream.WriteAsync(Frames(lines, firstTimeNano, source), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The frames of <paramref name="lines"/>, as <see cref="WriteLinesAsync"/> would write them, without writing them.</summary>
    public static byte[] Frames(IEnumerable<string> lines, long firstTimeNano, string source = "stdout")
    {
        ArgumentNullException.ThrowIfNull(lines);
        var frames = new ArrayBufferWriter<byte>();
        var time = firstTimeNano;
        foreach (var line in lines)
            LogEntryCodec.Encode(frames, new LogEntry(source, time++, Encoding.UTF8.GetBytes(line), Partial: false));
        return frames.WrittenSpan.ToArray();
    }

    /// <summary>Writes bytes as they are: part of a frame, to see how a driver copes with a frame written in two goes.</summary>
    public async Task WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default) =>
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync().ConfigureAwait(false);
        File.Delete(Path);
    }
}
