using Berth.Kernel.Listeners;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Berth.Kernel.Api.Containers;

/// <summary>
/// Takes over the connection of an attach or exec start: <c>101 UPGRADED</c> and a raw duplex stream when the client
/// sent <c>Upgrade: tcp</c>, else 200 with the response body as the output and the request body as the input.
/// </summary>
public static class Hijack
{
    public const string RawStream = "application/vnd.docker.raw-stream";
    public const string MultiplexedStream = "application/vnd.docker.multiplexed-stream";

    public static async Task<Stream> TakeOverAsync(HttpContext context, bool tty)
    {
        ArgumentNullException.ThrowIfNull(context);
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        context.Response.Headers.ContentType = tty ? RawStream : MultiplexedStream;
        if (context.Features.Get<HalfCloseGuard>() is { } guard) guard.Hijacked = true;
        if (upgrade is { IsUpgradableRequest: true })
        {
            context.Response.Headers.Connection = "Upgrade";
            context.Response.Headers.Upgrade = "tcp";
            return await upgrade.UpgradeAsync().ConfigureAwait(false);
        }
        context.Response.StatusCode = 200;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        return new DuplexStream(context.Request.Body, context.Response.Body);
    }

    /// <summary>The JSON body of an upgrade request, which <see cref="UpgradeBodyRewriter"/> moved into a header.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var moved = context.Request.Headers[UpgradeBodyRewriter.BodyHeader].ToString();
        if (moved.Length > 0) return Convert.FromBase64String(moved);
        if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }) return [];
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private sealed class DuplexStream(Stream input, Stream output) : Stream
    {
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => input.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => input.ReadAsync(buffer, offset, count, cancellationToken);
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("write asynchronously");
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => output.WriteAsync(buffer, cancellationToken);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => output.WriteAsync(buffer, offset, count, cancellationToken);
        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);
        public override void Flush() => throw new NotSupportedException("flush asynchronously");
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
