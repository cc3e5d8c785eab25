using System.Buffers.Binary;
using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Rpc;

/// <summary>A control call between nodes: the method and its JSON body.</summary>
public sealed record RpcRequest(string Method, JsonElement Body);

/// <summary>The answer: a body, or an error with its Docker error class so it surfaces with the right status on the caller.</summary>
public sealed record RpcResponse(JsonElement? Body, RpcError? Error);

/// <param name="NotLeader">The callee is a manager that does not lead (any more): the caller may retry on the leader.</param>
public sealed record RpcError(BerthErrorKind Kind, string Message, bool NotLeader = false);

/// <summary>Length-prefixed JSON frames (4-byte big-endian length) over an authenticated stream.</summary>
public static class RpcFrames
{
    private const int MaxFrame = 64 * 1024 * 1024;

    public static async Task WriteAsync<T>(Stream stream, T value, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(value, SwarmJson.Options);
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next frame, or default when the peer closed the stream between frames.</summary>
    public static async Task<T?> ReadAsync<T>(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        if (!await FillAsync(stream, header, cancellationToken).ConfigureAwait(false))
            return default;
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length is < 0 or > MaxFrame)
            throw new InvalidDataException($"control frame of {length} bytes refused");
        var payload = new byte[length];
        if (!await FillAsync(stream, payload, cancellationToken).ConfigureAwait(false))
            throw new EndOfStreamException("the peer closed the control connection inside a frame");
        return JsonSerializer.Deserialize<T>(payload, SwarmJson.Options);
    }

    private static async Task<bool> FillAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
                return read == 0 && buffer.Length > 0 ? false : throw new EndOfStreamException("the peer closed the control connection");
            read += n;
        }
        return true;
    }
}
