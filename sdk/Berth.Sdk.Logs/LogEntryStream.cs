using System.Buffers;
using Berth.Sdk.Logging;

namespace Berth.Sdk.Logs;

/// <summary>
/// A read-only stream of Docker's log-plugin frames produced from a driver's sequence of entries, one entry encoded at a
/// time as the reader asks. Disposing it (the reader went away) or cancelling the ReadLogs call ends the sequence.
/// </summary>
internal sealed class LogEntryStream : Stream
{
    private readonly CancellationTokenSource stop;
    private readonly IAsyncEnumerator<LogEntry> entries;
    private readonly ArrayBufferWriter<byte> frame = new();
    private Task filling = Task.CompletedTask;
    private int offset;
    private bool ended;

    public LogEntryStream(Func<CancellationToken, IAsyncEnumerable<LogEntry>> read, CancellationToken call)
    {
        stop = CancellationTokenSource.CreateLinkedTokenSource(call);
        entries = read(stop.Token).GetAsyncEnumerator(stop.Token);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (offset == frame.WrittenCount && !ended)
        {
            filling = FillAsync();
            await filling.ConfigureAwait(false);
        }
        var available = frame.WrittenCount - offset;
        if (available == 0)
            return 0;
        var count = Math.Min(available, buffer.Length);
        frame.WrittenMemory.Slice(offset, count).CopyTo(buffer);
        offset += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read it asynchronously");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <remarks>The reader may go away while a read waits for the next entry: that read ends first (cancelled), then the sequence is disposed.</remarks>
    public override async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await filling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await entries.DisposeAsync().ConfigureAwait(false);
        stop.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !stop.IsCancellationRequested)
            stop.Cancel();
        base.Dispose(disposing);
    }

    private async Task FillAsync()
    {
        frame.ResetWrittenCount();
        offset = 0;
        try
        {
            if (await entries.MoveNextAsync().ConfigureAwait(false))
                LogEntryCodec.Encode(frame, entries.Current);
            else
                ended = true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            ended = true;
        }
    }
}
