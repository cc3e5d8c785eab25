using System.Buffers;

namespace Berth.Sdk.Storage;

/// <summary>
/// Reads the inner stream in large chunks (a few syscalls per MiB instead of one per tar header or decoder refill),
/// and can show what comes next without consuming it: the magic number of a layer blob. Never disposes the inner stream.
/// </summary>
internal sealed class ReadAheadStream(Stream inner, int bufferSize = 1 << 20) : ReadOnlyWrapperStream
{
    private byte[]? buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    private int start;
    private int end;

    /// <summary>Up to <paramref name="count"/> bytes that the next reads will return (fewer only at the end of the stream).</summary>
    public async ValueTask<ReadOnlyMemory<byte>> PeekAsync(int count, CancellationToken cancellationToken)
    {
        var data = Buffer;
        if (start > 0 && end - start < count)
        {
            data.AsSpan(start, end - start).CopyTo(data);
            end -= start;
            start = 0;
        }
        while (end - start < count)
        {
            var read = await inner.ReadAsync(data.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            end += read;
        }
        return data.AsMemory(start, Math.Min(count, end - start));
    }

    public override int Read(Span<byte> destination)
    {
        if (start == end)
        {
            if (destination.Length >= Buffer.Length) return inner.Read(destination);
            start = 0;
            end = inner.Read(Buffer);
        }
        return Take(destination);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (start == end)
        {
            if (destination.Length >= Buffer.Length) return await inner.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
            start = 0;
            end = await inner.ReadAsync(Buffer, cancellationToken).ConfigureAwait(false);
        }
        return Take(destination.Span);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
        }
        base.Dispose(disposing);
    }

    private byte[] Buffer => buffer ?? throw new ObjectDisposedException(nameof(ReadAheadStream));

    private int Take(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, end - start);
        Buffer.AsSpan(start, count).CopyTo(destination);
        start += count;
        return count;
    }
}
