using System.IO.Compression;
using Berth.Kernel.Images.Content;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.Layers;

namespace Berth.Kernel.Images.Push;

/// <summary>
/// The compressed blob a layer is pushed as: one it was pulled as (same digest, so registries dedupe it), else the
/// layer's plain tar gzipped once into the content store and remembered on the layer, as Moby compresses on push.
/// </summary>
public sealed class PushableBlobs(ContentStore content, LayerStore layers)
{
    public async Task<LayerBlob> GetAsync(LayerRecord layer, string repository, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var compressed = layer.Blobs.Where(b => b.MediaType != MediaTypes.DockerLayer && b.MediaType != MediaTypes.OciLayer && content.Exists(b.Digest)).ToList();
        var best = compressed.FirstOrDefault(b => b.Repositories.Contains(repository)) ?? compressed.FirstOrDefault();
        if (best is not null) return best;

        var plain = layer.Blobs.FirstOrDefault(b => content.Exists(b.Digest))
            ?? throw new Sdk.BerthException($"layer {layer.DiffId} has no content to push: its blob is missing from the content store");
        var temp = content.NewIngestPath("gzip");
        try
        {
            await using (var source = content.OpenRead(plain.Digest))
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
            {
                await using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
                {
                    await source.CopyToAsync(gzip, 1 << 20, cancellationToken).ConfigureAwait(false);
                }
                output.Flush(flushToDisk: true);
            }
            var stored = await content.AdoptAsync(temp, null, cancellationToken).ConfigureAwait(false);
            var blob = new LayerBlob(stored.Digest, MediaTypes.DockerLayerGzip, stored.Size, []);
            await layers.AddBlobAsync(layer.ChainId, blob, cancellationToken).ConfigureAwait(false);
            return blob;
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
