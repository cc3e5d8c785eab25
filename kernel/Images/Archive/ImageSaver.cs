using System.Formats.Tar;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Images.Content;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.Layers;
using Berth.Kernel.Images.References;
using Berth.Kernel.Images.Store;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Images.Archive;

/// <summary>
/// <c>docker save</c> in the layout Docker 25+ writes: an OCI image layout (<c>oci-layout</c>, <c>index.json</c>,
/// <c>blobs/sha256/…</c>) plus <c>manifest.json</c> and <c>repositories</c>, which older Moby's <c>docker load</c>
/// reads. Layers are written as plain tars named by their diff id.
/// </summary>
public sealed class ImageSaver(ImageService images)
{
    public async Task SaveAsync(IReadOnlyList<(ImageEntry Image, IReadOnlyList<ImageReference> Tags)> selection, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            var written = new HashSet<string>(StringComparer.Ordinal);
            var manifestJson = new JsonArray();
            var repositories = new JsonObject();
            var index = new JsonArray();
            await WriteBytesAsync(writer, "blobs/", null, cancellationToken).ConfigureAwait(false);
            await WriteBytesAsync(writer, "blobs/sha256/", null, cancellationToken).ConfigureAwait(false);
            foreach (var (image, tags) in selection)
            {
                var layerNames = new List<string>();
                var layerDescriptors = new JsonArray();
                for (var i = 0; i < image.ChainIds.Count; i++)
                {
                    var layer = images.Layers.Find(image.ChainIds[i]) ?? throw new Sdk.BerthException($"layer {image.ChainIds[i]} is missing");
                    var name = BlobName(layer.DiffId);
                    if (written.Add(name)) await WriteLayerAsync(writer, name, layer, cancellationToken).ConfigureAwait(false);
                    layerNames.Add(name);
                    layerDescriptors.Add(new JsonObject { ["mediaType"] = MediaTypes.OciLayer, ["digest"] = layer.DiffId, ["size"] = layer.Size });
                }
                var configName = BlobName(image.Id);
                if (written.Add(configName)) await WriteBytesAsync(writer, configName, image.Config.Bytes, cancellationToken).ConfigureAwait(false);

                var manifest = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
                {
                    ["schemaVersion"] = 2,
                    ["mediaType"] = MediaTypes.OciManifest,
                    ["config"] = new JsonObject { ["mediaType"] = MediaTypes.OciConfig, ["digest"] = image.Id, ["size"] = image.Config.Bytes.Length },
                    ["layers"] = layerDescriptors,
                });
                var manifestDigest = Digests.Of(manifest);
                if (written.Add(BlobName(manifestDigest))) await WriteBytesAsync(writer, BlobName(manifestDigest), manifest, cancellationToken).ConfigureAwait(false);
                foreach (var tag in tags.DefaultIfEmpty())
                {
                    var descriptor = new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = manifestDigest, ["size"] = manifest.Length };
                    if (tag is not null)
                        descriptor["annotations"] = new JsonObject { ["io.containerd.image.name"] = tag.ToString(), ["org.opencontainers.image.ref.name"] = tag.Tag };
                    index.Add(descriptor);
                }
                manifestJson.Add(new JsonObject
                {
                    ["Config"] = configName,
                    ["RepoTags"] = new JsonArray([.. tags.Select(t => (JsonNode?)JsonValue.Create(t.FamiliarString))]),
                    ["Layers"] = new JsonArray([.. layerNames.Select(n => (JsonNode?)JsonValue.Create(n))]),
                });
                foreach (var tag in tags)
                {
                    if (repositories[tag.FamiliarRepository] is not JsonObject repo) repositories[tag.FamiliarRepository] = repo = [];
                    repo[tag.Tag!] = Digests.Hex(image.Id);
                }
            }
            await WriteBytesAsync(writer, "index.json", JsonSerializer.SerializeToUtf8Bytes(new JsonObject
            {
                ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = index,
            }), cancellationToken).ConfigureAwait(false);
            await WriteBytesAsync(writer, "manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifestJson), cancellationToken).ConfigureAwait(false);
            await WriteBytesAsync(writer, "oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray(), cancellationToken).ConfigureAwait(false);
            if (repositories.Count > 0)
                await WriteBytesAsync(writer, "repositories", JsonSerializer.SerializeToUtf8Bytes(repositories), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A layer as its plain tar: the stored blob when it is one, else the compressed blob inflated to a temp file.</summary>
    private async Task WriteLayerAsync(TarWriter writer, string name, LayerRecord layer, CancellationToken cancellationToken)
    {
        var plain = layer.Blobs.FirstOrDefault(b => b.Digest == layer.DiffId && images.Content.Exists(b.Digest));
        if (plain is not null)
        {
            await using var blob = images.Content.OpenRead(plain.Digest);
            await WriteStreamAsync(writer, name, blob, cancellationToken).ConfigureAwait(false);
            return;
        }
        var source = layer.Blobs.FirstOrDefault(b => images.Content.Exists(b.Digest))
            ?? throw new Sdk.BerthException($"layer {layer.DiffId} has no content to save: its blob is missing from the content store");
        var temp = images.Content.NewIngestPath("save");
        try
        {
            await using (var compressed = images.Content.OpenRead(source.Digest))
            await using (var inflated = await LayerCompression.OpenDecompressedAsync(compressed, cancellationToken).ConfigureAwait(false))
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.Asynchronous | FileOptions.DeleteOnClose))
            {
                await inflated.CopyToAsync(file, 1 << 20, cancellationToken).ConfigureAwait(false);
                file.Position = 0;
                await WriteStreamAsync(writer, name, file, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static async Task WriteBytesAsync(TarWriter writer, string name, byte[]? content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            var dir = new PaxTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)0b111_101_101, ModificationTime = DateTimeOffset.UnixEpoch };
            await writer.WriteEntryAsync(dir, cancellationToken).ConfigureAwait(false);
            return;
        }
        await WriteStreamAsync(writer, name, new MemoryStream(content, writable: false), cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteStreamAsync(TarWriter writer, string name, Stream content, CancellationToken cancellationToken)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = (UnixFileMode)0b110_100_100,
            ModificationTime = DateTimeOffset.UnixEpoch,
            DataStream = content,
        };
        await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private static string BlobName(string digest) => "blobs/sha256/" + Digests.Hex(digest);
}
