using Berth.Kernel.Images.Distribution;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Images.Layers;

/// <summary>The media type a layer blob is recorded with, from its first bytes (plain tar, gzip or zstd).</summary>
public static class LayerMediaType
{
    public static async Task<string> DetectAsync(string blobPath, CancellationToken cancellationToken)
    {
        var head = new byte[4];
        int read;
        await using (var file = File.OpenRead(blobPath))
        {
            read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        return LayerCompression.Detect(head.AsSpan(0, read)) switch
        {
            LayerCompressionKind.Gzip => MediaTypes.DockerLayerGzip,
            LayerCompressionKind.Zstd => MediaTypes.OciLayerZstd,
            _ => MediaTypes.DockerLayer,
        };
    }
}
