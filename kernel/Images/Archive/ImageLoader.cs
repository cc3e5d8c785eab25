using System.Text.Json;
using Berth.Kernel.Images.Content;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.Layers;
using Berth.Kernel.Images.References;
using Berth.Kernel.Images.Store;
using Berth.Sdk;

namespace Berth.Kernel.Images.Archive;

/// <summary>
/// <c>docker load</c>: a <c>docker save</c> archive (<c>manifest.json</c>) or an OCI image layout
/// (<c>index.json</c>). Every layer is checked against the config's diff ids as it is applied; an image and its
/// tags are registered only once all its layers are.
/// </summary>
public sealed class ImageLoader(ImageService images)
{
    private const long MaxMetadataBytes = 16 << 20;

    /// <returns>One line per image, as the CLI prints them: <c>Loaded image: name:tag</c> or <c>Loaded image ID: sha256:…</c>.</returns>
    public async Task<IReadOnlyList<string>> LoadAsync(Stream tar, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tar);
        using var archive = await ArchiveFolder.ExtractAsync(tar, images.Content.NewIngestPath("load"), cancellationToken).ConfigureAwait(false);
        var entries = archive.Exists("manifest.json")
            ? await DockerEntriesAsync(archive, cancellationToken).ConfigureAwait(false)
            : archive.Exists("index.json")
                ? await OciEntriesAsync(archive, cancellationToken).ConfigureAwait(false)
                : throw BerthException.Invalid("invalid archive: neither manifest.json (docker save) nor index.json (OCI layout) found");
        var lines = new List<string>();
        var stored = new Dictionary<string, LayerBlob>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var image = await LoadImageAsync(archive, entry, stored, cancellationToken).ConfigureAwait(false);
            images.Events.Publish("image", "load", image.Id, new Dictionary<string, string> { ["name"] = image.Id });
            if (entry.Tags.Count == 0) lines.Add($"Loaded image ID: {image.Id}");
            else lines.AddRange(entry.Tags.Select(t => $"Loaded image: {t.FamiliarString}"));
        }
        return lines;
    }

    private async Task<ImageEntry> LoadImageAsync(ArchiveFolder archive, LoadEntry entry, Dictionary<string, LayerBlob> stored, CancellationToken cancellationToken)
    {
        var config = ImageConfig.Parse(await archive.ReadAllBytesAsync(entry.Config, MaxMetadataBytes, cancellationToken).ConfigureAwait(false));
        if (config.DiffIds.Count != entry.Layers.Count)
            throw BerthException.Invalid($"invalid archive: {entry.Config} names {config.DiffIds.Count} layers, the manifest {entry.Layers.Count}");
        var chain = ChainIds.Of(config.DiffIds);
        for (var i = 0; i < chain.Count; i++)
        {
            if (images.Layers.Find(chain[i]) is not null) continue;
            var source = archive.PathOf(entry.Layers[i]);
            if (!stored.TryGetValue(source, out var blob) || !images.Content.Exists(blob.Digest))
                stored[source] = blob = await StoreBlobAsync(source, cancellationToken).ConfigureAwait(false);
            try
            {
                await images.Layers.ApplyAsync(i == 0 ? null : chain[i - 1], config.DiffIds[i], images.Content.BlobPath(blob.Digest), blob, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                images.DeleteBlobUnlessUsed(blob.Digest);
                throw;
            }
        }
        return await images.RegisterAsync(config, entry.Tags, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves (same file system) an archive member into the content store as the layer's blob.</summary>
    private async Task<LayerBlob> StoreBlobAsync(string source, CancellationToken cancellationToken)
    {
        var ingest = images.Content.NewIngestPath("layer");
        File.Move(source, ingest);
        var mediaType = await LayerMediaType.DetectAsync(ingest, cancellationToken).ConfigureAwait(false);
        var stored = await images.Content.AdoptAsync(ingest, null, cancellationToken).ConfigureAwait(false);
        return new LayerBlob(stored.Digest, mediaType, stored.Size, []);
    }

    private static async Task<List<LoadEntry>> DockerEntriesAsync(ArchiveFolder archive, CancellationToken cancellationToken)
    {
        List<DockerManifestEntry>? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<List<DockerManifestEntry>>(await archive.ReadAllBytesAsync("manifest.json", MaxMetadataBytes, cancellationToken).ConfigureAwait(false));
        }
        catch (JsonException ex)
        {
            throw BerthException.Invalid($"invalid archive: manifest.json: {ex.Message}");
        }
        return [.. (manifest ?? []).Select(m => new LoadEntry(
            m.Config ?? throw BerthException.Invalid("invalid archive: a manifest.json entry has no Config"),
            m.Layers ?? [],
            [.. (m.RepoTags ?? []).Select(t => ImageReference.Parse(t).WithDefaultTag())]))];
    }

    private static async Task<List<LoadEntry>> OciEntriesAsync(ArchiveFolder archive, CancellationToken cancellationToken)
    {
        var entries = new List<LoadEntry>();
        var index = ManifestParser.ParseIndex(MediaTypes.OciIndex, await archive.ReadAllBytesAsync("index.json", MaxMetadataBytes, cancellationToken).ConfigureAwait(false));
        foreach (var descriptor in index.Manifests)
        {
            var bytes = await archive.ReadAllBytesAsync(BlobName(descriptor.Digest), MaxMetadataBytes, cancellationToken).ConfigureAwait(false);
            if (Digests.Of(bytes) != descriptor.Digest) throw BerthException.Invalid($"invalid archive: blob {descriptor.Digest} does not match its digest");
            if (MediaTypes.IsIndex(descriptor.MediaType))
                throw BerthException.NotImplemented("loading an OCI layout whose index names another index is not supported yet");
            var manifest = ManifestParser.ParseManifest(descriptor.MediaType, bytes);
            var tags = new List<ImageReference>();
            if (TagOf(descriptor) is { } tag) tags.Add(tag);
            entries.Add(new LoadEntry(BlobName(manifest.Config.Digest), [.. manifest.Layers.Select(l => BlobName(l.Digest))], tags));
        }
        return entries;
    }

    /// <summary>containerd's <c>io.containerd.image.name</c>, else an OCI <c>ref.name</c> that is a whole reference.</summary>
    private static ImageReference? TagOf(Descriptor descriptor)
    {
        if (descriptor.Annotations is null) return null;
        foreach (var key in new[] { "io.containerd.image.name", "org.opencontainers.image.ref.name" })
            if (descriptor.Annotations.TryGetValue(key, out var name) && ImageReference.TryParse(name, out var reference) && reference.Tag is not null && name.Contains(':', StringComparison.Ordinal))
                return reference;
        return null;
    }

    private static string BlobName(string digest) => "blobs/sha256/" + Digests.Hex(digest);

    private sealed record LoadEntry(string Config, IReadOnlyList<string> Layers, IReadOnlyList<ImageReference> Tags);

    private sealed record DockerManifestEntry(string? Config, List<string>? RepoTags, List<string>? Layers);
}
