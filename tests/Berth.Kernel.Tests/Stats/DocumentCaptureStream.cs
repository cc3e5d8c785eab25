using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace Berth.Kernel.Tests.Stats;

/// <summary>A response body that keeps every write (one stats document each) and counts flushes.</summary>
internal sealed class DocumentCaptureStream : Stream
{
    private readonly ConcurrentQueue<string> writes = new();
    private int flushes;

    public IReadOnlyList<string> Writes => [.. writes];

    public IReadOnlyList<JsonObject> Documents => [.. writes.Select(w => JsonNode.Parse(w)!.AsObject())];

    public int Flushes => Volatile.Read(ref flushes);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => Interlocked.Increment(ref flushes);

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }

    public override void Write(byte[] buffer, int offset, int count) => writes.Enqueue(Encoding.UTF8.GetString(buffer, offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        writes.Enqueue(Encoding.UTF8.GetString(buffer.Span));
        return ValueTask.CompletedTask;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
