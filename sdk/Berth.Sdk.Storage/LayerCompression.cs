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
    /// Peeks the magic number (seekable or not) and returns a stream of the plain tar, reading <paramref name="raw"/>
    /// in large chunks. Disposing the returned stream leaves <paramref name="raw"/> open. Corrupt compressed data
    /// surfaces as a <see cref="BerthException"/> (400) when read.
    /// </summary>
    public static async Task<Stream> OpenDecompressedAsync(Stream raw, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var buffered = new ReadAheadStream(raw);
        try
        {
            var head = await buffered.PeekAsync(PeekLength, cancellationToken).ConfigureAwait(false);
            RefuseUnsupported(head.Span);
            return Detect(head.Span) switch
            {
                LayerCompressionKind.Gzip => new DecompressionErrorStream(new GZipStream(buffered, CompressionMode.Decompress), "gzip"),
                LayerCompressionKind.Zstd => new DecompressionErrorStream(new DecompressionStream(buffered, leaveOpen: false), "zstd"),
                _ => buffered,
            };
        }
        catch
        {
            await buffered.DisposeAsync().ConfigureAwait(false);
            throw;
        }
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
