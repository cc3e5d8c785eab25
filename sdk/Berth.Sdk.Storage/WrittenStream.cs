using System.IO.Pipelines;

namespace Berth.Sdk.Storage;

/// <summary>
/// A stream read while something writes it: a layer tar returned by Diff as it is produced, without holding it whole.
/// Any failure of the writer reaches the reader (never a short tar that looks whole); a reader that stops reading
/// cancels the writer.
/// </summary>
public static class WrittenStream
{
    /// <summary>Starts <paramref name="write"/> on a pipe and returns the pipe's reading end.</summary>
    public static Stream Start(Func<Stream, CancellationToken, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        var stop = new CancellationTokenSource();
        _ = WriteAsync(write, pipe.Writer, stop);
        return new ReaderEnd(pipe.Reader.AsStream(), stop);
    }

    private static async Task WriteAsync(Func<Stream, CancellationToken, Task> write, PipeWriter writer, CancellationTokenSource stop)
    {
        await Task.Yield();
        try
        {
            await using (var stream = writer.AsStream(leaveOpen: true))
            {
                await write(stream, stop.Token).ConfigureAwait(false);
            }
            await writer.CompleteAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // every failure must reach the reader, or it would wait for the rest of the tar forever
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await writer.CompleteAsync(ex).ConfigureAwait(false);
        }
    }

    /// <summary>The reading end; disposing it (the reader went away or failed) stops the writer.</summary>
    private sealed class ReaderEnd(Stream inner, CancellationTokenSource stop) : ReadOnlyWrapperStream
    {
        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                stop.Cancel();
                inner.Dispose();
                stop.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
