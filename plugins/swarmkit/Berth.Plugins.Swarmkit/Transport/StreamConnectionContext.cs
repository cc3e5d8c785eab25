using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Plugins.Swarmkit.Transport;

/// <summary>
/// An ASP.NET connection abstraction over any duplex <see cref="Stream"/> (TLS or plain TCP), so DotNext's custom
/// Raft transport runs on connections of the swarm port. Abort and dispose close the stream; <see cref="Closed"/>
/// completes then, which is what the listener side waits for before it forgets the connection.
/// </summary>
internal sealed class StreamConnectionContext : ConnectionContext, IDisposable
{
    private const int BufferSize = 16 * 1024;
    private static long nextId;

    private readonly Stream stream;
    private readonly PipeReader reader;
    private readonly PipeWriter writer;
    private readonly CancellationTokenSource closed = new();
    private readonly TaskCompletionSource completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int aborted;
    private int disposed;

    public StreamConnectionContext(Stream stream, EndPoint? localEndPoint, EndPoint? remoteEndPoint)
    {
        this.stream = stream;
        reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: BufferSize, minimumReadSize: 1024, leaveOpen: true));
        writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: BufferSize, leaveOpen: true));
        Transport = new DuplexPipe(reader, writer);
        ConnectionId = "swarm-" + Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        LocalEndPoint = localEndPoint;
        RemoteEndPoint = remoteEndPoint;
        ConnectionClosed = closed.Token;
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new ConnectionItems();

    public override IDuplexPipe Transport { get; set; }

    /// <summary>Completes once the connection was aborted or disposed.</summary>
    public Task Closed => completion.Task;

    public override void Abort(ConnectionAbortedException abortReason)
    {
        if (Interlocked.Exchange(ref aborted, 1) != 0)
            return;
        // Closing the stream fails any read or write in flight; the pipes are completed on dispose.
        Signal();
        try
        {
            stream.Dispose();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
        completion.TrySetResult();
    }

    public override void Abort() => Abort(new ConnectionAbortedException("the swarm connection was aborted"));

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        var broken = Volatile.Read(ref aborted) != 0;
        try
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            await writer.CompleteAsync(broken ? new ConnectionAbortedException() : null).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
        }
        Abort();
        closed.Dispose();
    }

    /// <summary>Synchronous disposal, so DotNext's client never blocks on <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        Abort();
        try
        {
            reader.Complete();
            writer.Complete(new ConnectionAbortedException());
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
        closed.Dispose();
    }

    private void Signal()
    {
        try
        {
            closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        catch (AggregateException)
        {
            // A ConnectionClosed callback threw; the connection is closing regardless.
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
