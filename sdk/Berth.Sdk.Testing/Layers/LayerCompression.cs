using System.IO.Compression;

namespace Berth.Sdk.Testing;

/// <summary>How a layer blob is compressed (the media types OCI images use).</summary>
public enum LayerCompression
{
    None = 0,
    Gzip = 1,
    Zstd = 2,
}

/// <summary>Compresses a layer tar into a blob.</summary>
public static class LayerCompressor
{
    public static byte[] Compress(byte[] tar, LayerCompression compression)
    {
        ArgumentNullException.ThrowIfNull(tar);
        if (compression == LayerCompression.None) return tar;
        using var output = new MemoryStream();
        using (var compressor = Open(output, compression))
        {
            compressor.Write(tar);
        }
        return output.ToArray();
    }

    private static Stream Open(Stream output, LayerCompression compression) => compression switch
    {
        LayerCompression.Gzip => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
        LayerCompression.Zstd => new ZstdSharp.CompressionStream(output, level: 3, leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "unknown compression"),
    };
}
