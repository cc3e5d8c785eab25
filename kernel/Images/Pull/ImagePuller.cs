using Berth.Kernel.Images.Content;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.Layers;
using Berth.Kernel.Images.Progress;
using Berth.Kernel.Images.References;
using Berth.Kernel.Images.Store;
using Berth.Sdk;

namespace Berth.Kernel.Images.Pull;

/// <summary>
/// <c>docker pull</c>: resolves the manifest for linux/amd64, downloads up to three layers at once into the content
/// store (resuming partial downloads, verifying digests) while applying finished ones in order through the storage
/// plugin, then registers the image and its tag and digest — nothing is registered unless every layer is.
/// </summary>
public sealed class ImagePuller(ImageService images, RegistryClient registry, TimeProvider time)
{
    private const int ParallelDownloads = 3;
    private const long MaxConfigBytes = 8 << 20;
    private static readonly TimeSpan StorageRetryDelay = TimeSpan.FromMilliseconds(500);
    private const int StorageAttempts = 4;

    public async Task<ImageEntry> PullAsync(ImageReference reference, RegistryCredentials? credentials, JsonMessageStream progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(progress);
        var fetched = await registry.GetManifestAsync(reference, credentials, Platform.LinuxAmd64, cancellationToken).ConfigureAwait(false);
        await progress.StatusAsync($"Pulling from {reference.Path}", reference.Tag ?? reference.Digest).ConfigureAwait(false);

        var manifest = fetched.Manifest;
        var configBytes = await registry.GetBlobAsync(reference, manifest.Config.Digest, credentials, MaxConfigBytes, cancellationToken).ConfigureAwait(false);
        var config = ImageConfig.Parse(configBytes);
        if (config.DiffIds.Count != manifest.Layers.Count)
            throw BerthException.Invalid($"invalid image {reference.FamiliarString}: the manifest has {manifest.Layers.Count} layers, the config {config.DiffIds.Count}");
        foreach (var layer in manifest.Layers)
            if (!MediaTypes.IsLayer(layer.MediaType)) throw BerthException.Invalid($"unsupported layer media type {layer.MediaType} in {reference.FamiliarString}");

        var chain = ChainIds.Of(config.DiffIds);
        var downloads = new Task<string>?[manifest.Layers.Count];
        using var slots = new SemaphoreSlim(ParallelDownloads);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            var id = Digests.Short(manifest.Layers[i].Digest);
            if (images.Layers.Find(chain[i]) is not null) await progress.StatusAsync("Already exists", id).ConfigureAwait(false);
            else await progress.StatusAsync("Pulling fs layer", id).ConfigureAwait(false);
        }
        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            if (images.Layers.Find(chain[i]) is not null) continue;
            downloads[i] = DownloadAsync(reference, manifest.Layers[i], credentials, progress, slots, failed.Token);
        }

        try
        {
            for (var i = 0; i < manifest.Layers.Count; i++)
            {
                if (downloads[i] is not { } download) continue;
                var blobPath = await download.ConfigureAwait(false);
                await ApplyAsync(reference, manifest.Layers[i], config.DiffIds[i], i == 0 ? null : chain[i - 1], blobPath, progress, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await failed.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(downloads.OfType<Task<string>>().Select(d => d.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            throw;
        }

        var tagged = reference.Digest is null ? reference : null;
        var before = tagged is null ? images.References.Get(reference.NameOnly().WithDigest(fetched.IndexDigest ?? fetched.Digest)) : images.References.Get(tagged);
        await images.Content.WriteAsync(fetched.Bytes, fetched.Digest, cancellationToken).ConfigureAwait(false);
        var repoDigest = reference.NameOnly().WithDigest(fetched.IndexDigest ?? fetched.Digest);
        var entry = await images.RegisterAsync(config, tagged is null ? [repoDigest] : [tagged, repoDigest], cancellationToken).ConfigureAwait(false);
        images.Events.Publish("image", "pull", reference.FamiliarString, new Dictionary<string, string> { ["name"] = reference.FamiliarString });

        await progress.StatusAsync($"Digest: {repoDigest.Digest}").ConfigureAwait(false);
        var upToDate = before == entry.Id && downloads.All(d => d is null);
        await progress.StatusAsync(upToDate
            ? $"Status: Image is up to date for {reference.FamiliarString}"
            : $"Status: Downloaded newer image for {reference.FamiliarString}").ConfigureAwait(false);
        return entry;
    }

    private async Task<string> DownloadAsync(ImageReference reference, Descriptor layer, RegistryCredentials? credentials, JsonMessageStream progress, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        var id = Digests.Short(layer.Digest);
        if (images.Content.Exists(layer.Digest))
        {
            await progress.StatusAsync("Download complete", id).ConfigureAwait(false);
            return images.Content.BlobPath(layer.Digest);
        }
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var partial = images.Content.PartialPath(layer.Digest);
            var report = new InlineProgress<long>(current => _ = progress.ProgressAsync("Downloading", id, current, layer.Size));
            await registry.DownloadBlobAsync(reference, layer, partial, report, credentials, cancellationToken).ConfigureAwait(false);
            await progress.StatusAsync("Verifying Checksum", id).ConfigureAwait(false);
            images.Content.AdoptVerified(partial, layer.Digest); // DownloadBlobAsync verified the digest and flushed the file
            await progress.StatusAsync("Download complete", id).ConfigureAwait(false);
            return images.Content.BlobPath(layer.Digest);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Applies one layer; a storage plugin restarting under it (unavailable) is waited for and the layer applied again.</summary>
    private async Task ApplyAsync(ImageReference reference, Descriptor layer, string diffId, string? parentChainId, string blobPath, JsonMessageStream progress, CancellationToken cancellationToken)
    {
        var id = Digests.Short(layer.Digest);
        await progress.ProgressAsync("Extracting", id, 0, layer.Size).ConfigureAwait(false);
        var blob = new LayerBlob(layer.Digest, layer.MediaType, layer.Size, [reference.Repository]);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await images.Layers.ApplyAsync(parentChainId, diffId, blobPath, blob, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (BerthException ex) when (ex.Kind == BerthErrorKind.Unavailable && attempt < StorageAttempts)
            {
                Serilog.Log.Warning("applying layer {Digest} failed ({Message}); retrying once the storage plugin is back", layer.Digest, ex.Message);
                await Task.Delay(StorageRetryDelay * attempt, time, cancellationToken).ConfigureAwait(false);
            }
        }
        await progress.ProgressAsync("Extracting", id, layer.Size, layer.Size).ConfigureAwait(false);
        await progress.StatusAsync("Pull complete", id).ConfigureAwait(false);
    }
}
