using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Images.Content;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.Layers;
using Berth.Kernel.Images.Progress;
using Berth.Kernel.Images.References;
using Berth.Kernel.Images.Store;
using Berth.Sdk;

namespace Berth.Kernel.Images.Push;

/// <summary>
/// <c>docker push</c>: for each tag of the repository (or the one named), uploads the layers three at a time —
/// skipping blobs the registry has and mounting blobs it holds in another repository — then the config and a
/// schema 2 manifest, and records the pushed digest.
/// </summary>
public sealed class ImagePusher(ImageService images, RegistryClient registry, PushableBlobs blobs)
{
    private const int ParallelUploads = 3;

    public async Task PushAsync(ImageReference reference, RegistryCredentials? credentials, JsonMessageStream progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(progress);
        if (reference.Digest is not null) throw BerthException.Invalid("cannot push a digest reference");
        var tags = reference.Tag is not null
            ? [reference]
            : images.References.All.Keys.Select(ImageReference.Parse).Where(r => r.Tag is not null && r.Digest is null && r.Repository == reference.Repository).OrderBy(r => r.Tag, StringComparer.Ordinal).ToList();
        if (tags.Count == 0 || (reference.Tag is not null && images.References.Get(reference) is null))
            throw BerthException.NotFound($"An image does not exist locally with the tag: {reference.FamiliarRepository}");

        await progress.StatusAsync($"The push refers to repository [{reference.Repository}]").ConfigureAwait(false);
        foreach (var tag in tags)
        {
            var image = images.Resolve(tag.FamiliarString);
            await PushTagAsync(tag, image, credentials, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PushTagAsync(ImageReference tag, ImageEntry image, RegistryCredentials? credentials, JsonMessageStream progress, CancellationToken cancellationToken)
    {
        var layers = image.ChainIds.Select(c => images.Layers.Find(c) ?? throw new BerthException($"layer {c} of {tag.FamiliarString} is missing")).ToList();
        foreach (var layer in layers.AsEnumerable().Reverse()) await progress.StatusAsync("Preparing", Digests.Short(layer.DiffId)).ConfigureAwait(false);

        using var slots = new SemaphoreSlim(ParallelUploads);
        var pushed = await Task.WhenAll(layers.Select(l => PushLayerAsync(tag, l, credentials, progress, slots, cancellationToken))).ConfigureAwait(false);

        if (!await registry.BlobExistsAsync(tag, image.Id, credentials, cancellationToken).ConfigureAwait(false))
        {
            var config = image.Config.Bytes;
            await registry.UploadBlobAsync(tag, image.Id, _ => Task.FromResult<Stream>(new MemoryStream(config, writable: false)), config.Length, null, credentials, cancellationToken).ConfigureAwait(false);
        }

        var manifest = Schema2Manifest(image, pushed);
        var digest = await registry.PutManifestAsync(tag, tag.Tag!, MediaTypes.DockerManifest, manifest, credentials, cancellationToken).ConfigureAwait(false);
        await images.Content.WriteAsync(manifest, digest, cancellationToken).ConfigureAwait(false);
        using (await images.Images.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            if (images.Images.Find(image.Id) is not null)
                await images.PointAsync(tag.NameOnly().WithDigest(digest), image.Id, cancellationToken).ConfigureAwait(false);
        }
        images.Events.Publish("image", "push", tag.FamiliarString, new Dictionary<string, string> { ["name"] = tag.FamiliarString });
        await progress.StatusAsync($"{tag.Tag}: digest: {digest} size: {manifest.Length}").ConfigureAwait(false);
        await progress.AuxAsync(new { Tag = tag.Tag, Digest = digest, Size = manifest.Length }).ConfigureAwait(false);
    }

    private async Task<LayerBlob> PushLayerAsync(ImageReference tag, LayerRecord layer, RegistryCredentials? credentials, JsonMessageStream progress, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        var id = Digests.Short(layer.DiffId);
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var blob = await blobs.GetAsync(layer, tag.Repository, cancellationToken).ConfigureAwait(false);
            if (await registry.BlobExistsAsync(tag, blob.Digest, credentials, cancellationToken).ConfigureAwait(false))
            {
                await progress.StatusAsync("Layer already exists", id).ConfigureAwait(false);
            }
            else if (await TryMountAsync(tag, blob, credentials, cancellationToken).ConfigureAwait(false) is { } from)
            {
                await progress.StatusAsync($"Mounted from {from.Path}", id).ConfigureAwait(false);
            }
            else
            {
                var report = new InlineProgress<long>(current => _ = progress.ProgressAsync("Pushing", id, current, blob.Size));
                await registry.UploadBlobAsync(tag, blob.Digest, _ => Task.FromResult<Stream>(images.Content.OpenRead(blob.Digest)), blob.Size, report, credentials, cancellationToken).ConfigureAwait(false);
                await progress.StatusAsync("Pushed", id).ConfigureAwait(false);
            }
            await images.Layers.AddBlobAsync(layer.ChainId, blob with { Repositories = [tag.Repository] }, cancellationToken).ConfigureAwait(false);
            return blob;
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Asks the registry to link the blob from a repository on the same registry known to hold it.</summary>
    private async Task<ImageReference?> TryMountAsync(ImageReference tag, LayerBlob blob, RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        foreach (var repository in blob.Repositories)
        {
            if (repository == tag.Repository || !ImageReference.TryParse(repository, out var from) || from.Domain != tag.Domain) continue;
            if (await registry.TryMountBlobAsync(tag, blob.Digest, from, credentials, cancellationToken).ConfigureAwait(false)) return from;
        }
        return null;
    }

    private static byte[] Schema2Manifest(ImageEntry image, IReadOnlyList<LayerBlob> layers)
    {
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.DockerManifest,
            ["config"] = new JsonObject { ["mediaType"] = MediaTypes.DockerConfig, ["size"] = image.Config.Bytes.Length, ["digest"] = image.Id },
            ["layers"] = new JsonArray([.. layers.Select(l => (JsonNode?)new JsonObject { ["mediaType"] = l.MediaType, ["size"] = l.Size, ["digest"] = l.Digest })]),
        };
        return JsonSerializer.SerializeToUtf8Bytes(manifest, new JsonSerializerOptions { WriteIndented = true });
    }
}
