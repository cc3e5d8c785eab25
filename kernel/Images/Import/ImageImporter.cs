using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Daemon;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.Layers;
using Berth.Kernel.Images.References;
using Berth.Kernel.Images.Store;

namespace Berth.Kernel.Images.Import;

/// <summary>
/// <c>docker import</c>: a root filesystem tar (plain, gzip or zstd) becomes a one-layer image, with
/// <c>--change</c> instructions applied to its config and the comment <c>Imported from -</c> unless one is given.
/// </summary>
public sealed class ImageImporter(ImageService images, TimeProvider time)
{
    public async Task<ImageEntry> ImportAsync(Stream tar, ImageReference? tag, string? message, IReadOnlyList<string> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tar);
        ArgumentNullException.ThrowIfNull(changes);
        var containerConfig = ContainerConfigs.Empty();
        DockerfileChanges.Apply(containerConfig, changes); // bad changes fail before any byte is stored

        var blob = await images.Content.WriteAsync(tar, null, cancellationToken).ConfigureAwait(false);
        var blobPath = images.Content.BlobPath(blob.Digest);
        LayerRecord layer;
        try
        {
            var mediaType = await LayerMediaType.DetectAsync(blobPath, cancellationToken).ConfigureAwait(false);
            var layerBlob = new LayerBlob(blob.Digest, mediaType, blob.Size, []);
            var diffId = mediaType == MediaTypes.DockerLayer ? blob.Digest : null;
            layer = await images.Layers.ApplyAsync(null, diffId, blobPath, layerBlob, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            images.DeleteBlobUnlessUsed(blob.Digest);
            throw;
        }

        var created = time.GetUtcNow().UtcDateTime;
        var comment = string.IsNullOrEmpty(message) ? "Imported from -" : message;
        var config = new JsonObject
        {
            ["architecture"] = "amd64",
            ["comment"] = comment,
            ["config"] = containerConfig,
            ["created"] = created.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", global::System.Globalization.CultureInfo.InvariantCulture),
            ["docker_version"] = KernelInfo.Version,
            ["history"] = new JsonArray(new JsonObject
            {
                ["created"] = created.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", global::System.Globalization.CultureInfo.InvariantCulture),
                ["comment"] = comment,
            }),
            ["os"] = "linux",
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(layer.DiffId) },
        };
        var parsed = ImageConfig.Parse(JsonSerializer.SerializeToUtf8Bytes(config));
        var entry = await images.RegisterAsync(parsed, tag is null ? [] : [tag], cancellationToken).ConfigureAwait(false);
        images.Events.Publish("image", "import", entry.Id, new Dictionary<string, string> { ["name"] = entry.Id });
        return entry;
    }
}
