using System.IO.Compression;
using ZstdSharp;

namespace Berth.Sdk.Storage;

/// <summary>Recognises a layer blob's compression by its magic number and opens the plain tar inside.</summary>
public static class LayerCompression
{
    private const int PeekLength = 10; // enough for the bzip2 magic, the longest one checked

    public static LayerCompressionKind Detect(ReadOnlySpan<byte> firstBytes) => firstBytes switch
    {
        [0x1f, 0x8b, ..] => LayerCompressionKind.Gzip,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => LayerCompressionKind.Zstd,
        _ => LayerCompressionKind.None,
    };

    /// <summary>
    /// Peeks the magic number (seekable or not) and returns a stream of the plain tar. Disposing the returned stream
    /// leaves <paramref name="raw"/> open. Corrupt compressed data surfaces as a <see cref="BerthException"/> (400) when read.
    /// </summary>
    public static async Task<Stream> OpenDecompressedAsync(Stream raw, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var head = new byte[PeekLength];
        var length = await raw.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var peeked = head.AsMemory(0, length);
        RefuseUnsupported(peeked.Span);
        var replayed = new PrefixedReadStream(peeked, raw);
        return Detect(peeked.Span) switch
        {
            LayerCompressionKind.Gzip => new DecompressionErrorStream(new GZipStream(replayed, CompressionMode.Decompress), "gzip"),
            LayerCompressionKind.Zstd => new DecompressionErrorStream(new DecompressionStream(replayed, leaveOpen: false), "zstd"),
            _ => replayed,
        };
    }

    private static void RefuseUnsupported(ReadOnlySpan<byte> head)
    {
        var format = head switch
        {
            [0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00, ..] => "xz",
            [(byte)'B', (byte)'Z', (byte)'h', >= (byte)'1' and <= (byte)'9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59] => "bzip2",
            _ => null,
        };
        if (format is not null) throw BerthException.Invalid($"invalid layer: {format} compression is not supported (use gzip, zstd or none)");
    }
}
