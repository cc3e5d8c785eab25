using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Images.Content;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.Progress;
using Berth.Kernel.Images.References;
using Berth.Sdk;

namespace Berth.Kernel.Plugins.Registry;

/// <summary>
/// Plugin packages in a registry, as Docker stores managed plugins: a schema 2 manifest whose config is the package's
/// <c>config.json</c> (media type <c>application/vnd.docker.plugin.v1+json</c>) and whose one layer is the gzipped
/// <c>rootfs/</c>. Pull unpacks into a staging folder with the same checks as <c>docker plugin create</c>.
/// </summary>
public sealed class PluginDistribution(RegistryClient registry)
{
    private const long MaxConfigBytes = 1 << 20;

    /// <summary>Downloads <paramref name="remote"/> into <paramref name="staging"/> as a package folder (config.json + rootfs/).</summary>
    public async Task FetchAsync(ImageReference remote, RegistryCredentials? credentials, string staging, JsonMessageStream progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(progress);
        var fetched = await registry.GetManifestAsync(remote, credentials, Platform.LinuxAmd64, cancellationToken).ConfigureAwait(false);
        if (fetched.Manifest.Config.MediaType != MediaTypes.PluginConfig)
            throw BerthException.Invalid($"{remote.FamiliarString} is not a plugin: its config media type is {fetched.Manifest.Config.MediaType}, not {MediaTypes.PluginConfig}");
        await progress.StatusAsync($"Pulling from {remote.Path}", remote.Tag ?? remote.Digest).ConfigureAwait(false);
        var config = await registry.GetBlobAsync(remote, fetched.Manifest.Config.Digest, credentials, MaxConfigBytes, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(staging);
        await File.WriteAllBytesAsync(Path.Combine(staging, "config.json"), config, cancellationToken).ConfigureAwait(false);
        var rootfs = Path.Combine(staging, "rootfs");
        Directory.CreateDirectory(rootfs);
        foreach (var layer in fetched.Manifest.Layers)
        {
            var id = Digests.Short(layer.Digest);
            var blob = Path.Combine(staging, ".layer");
            var report = new InlineProgress<long>(current => _ = progress.ProgressAsync("Downloading", id, current, layer.Size));
            await registry.DownloadBlobAsync(remote, layer, blob, report, credentials, cancellationToken).ConfigureAwait(false);
            await progress.StatusAsync("Download complete", id).ConfigureAwait(false);
            await using (var stream = File.OpenRead(blob))
            {
                await PackageArchive.ExtractAsync(stream, rootfs, cancellationToken).ConfigureAwait(false);
            }
            File.Delete(blob);
        }
        await progress.StatusAsync($"Digest: {fetched.IndexDigest ?? fetched.Digest}").ConfigureAwait(false);
        await progress.StatusAsync($"Status: Downloaded newer image for {remote.FamiliarString}").ConfigureAwait(false);
    }

    /// <summary>Uploads a package folder as <paramref name="remote"/>: the rootfs layer, the config, then the manifest.</summary>
    public async Task PushAsync(string packageDirectory, ImageReference remote, RegistryCredentials? credentials, string scratch, JsonMessageStream progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(progress);
        await progress.StatusAsync($"The push refers to repository [{remote.Repository}]").ConfigureAwait(false);
        var config = await File.ReadAllBytesAsync(Path.Combine(packageDirectory, "config.json"), cancellationToken).ConfigureAwait(false);
        var layerPath = Path.Combine(scratch, "rootfs.tar.gz");
        Directory.CreateDirectory(scratch);
        await WriteRootfsLayerAsync(Path.Combine(packageDirectory, "rootfs"), layerPath, cancellationToken).ConfigureAwait(false);
        var layerBytes = await File.ReadAllBytesAsync(layerPath, cancellationToken).ConfigureAwait(false);
        var layerDigest = Digests.Of(layerBytes);
        var id = Digests.Short(layerDigest);
        await progress.StatusAsync("Preparing", id).ConfigureAwait(false);
        if (await registry.BlobExistsAsync(remote, layerDigest, credentials, cancellationToken).ConfigureAwait(false))
        {
            await progress.StatusAsync("Layer already exists", id).ConfigureAwait(false);
        }
        else
        {
            var report = new InlineProgress<long>(current => _ = progress.ProgressAsync("Pushing", id, current, layerBytes.Length));
            await registry.UploadBlobAsync(remote, layerDigest, _ => Task.FromResult<Stream>(new MemoryStream(layerBytes, writable: false)), layerBytes.Length, report, credentials, cancellationToken).ConfigureAwait(false);
            await progress.StatusAsync("Pushed", id).ConfigureAwait(false);
        }
        var configDigest = Digests.Of(config);
        if (!await registry.BlobExistsAsync(remote, configDigest, credentials, cancellationToken).ConfigureAwait(false))
            await registry.UploadBlobAsync(remote, configDigest, _ => Task.FromResult<Stream>(new MemoryStream(config, writable: false)), config.Length, null, credentials, cancellationToken).ConfigureAwait(false);
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.DockerManifest,
            ["config"] = new JsonObject { ["mediaType"] = MediaTypes.PluginConfig, ["size"] = config.Length, ["digest"] = configDigest },
            ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = MediaTypes.DockerLayerGzip, ["size"] = layerBytes.Length, ["digest"] = layerDigest }),
        });
        var tag = remote.Tag ?? ImageReference.DefaultTag;
        var digest = await registry.PutManifestAsync(remote, tag, MediaTypes.DockerManifest, manifest, credentials, cancellationToken).ConfigureAwait(false);
        await progress.StatusAsync($"{tag}: digest: {digest} size: {manifest.Length}").ConfigureAwait(false);
        await progress.AuxAsync(new { Tag = tag, Digest = digest, Size = manifest.Length }).ConfigureAwait(false);
    }

    /// <summary>The rootfs as a gzipped tar with stable names, modes and times, so the same package pushes the same digest.</summary>
    private static async Task WriteRootfsLayerAsync(string rootfs, string output, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        var writer = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(rootfs, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var name = Path.GetRelativePath(rootfs, path).Replace('\\', '/');
                var info = new FileInfo(path);
                if (info.LinkTarget is { } target)
                {
                    await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, ModificationTime = DateTimeOffset.UnixEpoch }, cancellationToken).ConfigureAwait(false);
                }
                else if (Directory.Exists(path))
                {
                    await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, name + "/") { Mode = (UnixFileMode)0b111_101_101, ModificationTime = DateTimeOffset.UnixEpoch }, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await using var content = File.OpenRead(path);
                    var mode = File.GetUnixFileMode(path) & (UnixFileMode)0b111_111_111;
                    await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = mode, ModificationTime = DateTimeOffset.UnixEpoch, DataStream = content }, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
