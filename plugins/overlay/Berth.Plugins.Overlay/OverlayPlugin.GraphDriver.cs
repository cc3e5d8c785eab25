using Berth.Sdk;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Storage;

namespace Berth.Plugins.Overlay;

/// <summary>Docker's overlay2 graph driver: layers by id, mounted on Get, unmounted on the last Put.</summary>
public sealed partial class OverlayPlugin : IGraphDriver
{
    public async Task InitAsync(GraphDriverInitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrEmpty(request.Home)) UseHome(request.Home);
        await StateAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<GraphDriverCapabilities> CapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new GraphDriverCapabilities(ReproducesExactDiffs: false));

    public async Task<IReadOnlyList<IReadOnlyList<string>>> StatusAsync(CancellationToken cancellationToken)
    {
        var layout = (await StateAsync(cancellationToken).ConfigureAwait(false)).Layout;
        return
        [
            ["Backing Filesystem", BackingFilesystem.Of(layout.Home)],
            ["Supports d_type", "true"],
            ["Using metacopy", "false"],
            ["Native Overlay Diff", "true"],
            ["userxattr", "false"],
        ];
    }

    public async Task<bool> ExistsAsync(string id, CancellationToken cancellationToken) =>
        (await StateAsync(cancellationToken).ConfigureAwait(false)).Layout.Exists(id);

    public async Task CreateAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.StorageOpt is { Count: > 0 })
            throw BerthException.Invalid($"--storage-opt is not supported by overlay2 in Berth: {string.Join(", ", request.StorageOpt.Keys)}");
        var layout = (await StateAsync(cancellationToken).ConfigureAwait(false)).Layout;
        layout.Create(request.Id, string.IsNullOrEmpty(request.Parent) ? null : request.Parent);
    }

    public Task CreateReadWriteAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken) =>
        CreateAsync(request, cancellationToken);

    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        var current = await StateAsync(cancellationToken).ConfigureAwait(false);
        current.Mounts.Release(id);
        current.Layout.Remove(id);
    }

    public async Task<string> GetAsync(string id, string? mountLabel, CancellationToken cancellationToken)
    {
        var current = await LayerStateAsync(id, cancellationToken).ConfigureAwait(false);
        return current.Mounts.Get(id);
    }

    public async Task PutAsync(string id, CancellationToken cancellationToken) =>
        (await StateAsync(cancellationToken).ConfigureAwait(false)).Mounts.Put(id);

    public async Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(string id, CancellationToken cancellationToken)
    {
        var layout = (await LayerStateAsync(id, cancellationToken).ConfigureAwait(false)).Layout;
        var metadata = new Dictionary<string, string> { ["UpperDir"] = layout.DiffDir(id) };
        if (layout.HasParent(id))
        {
            metadata["LowerDir"] = string.Join(':', layout.LowerDiffDirs(id));
            metadata["WorkDir"] = layout.WorkDir(id);
            metadata["MergedDir"] = layout.MergedDir(id);
        }
        return metadata;
    }

    public async Task CleanupAsync(CancellationToken cancellationToken) =>
        (await StateAsync(cancellationToken).ConfigureAwait(false)).Mounts.ReleaseAll();

    /// <summary>The native overlay diff: the layer's upper dir as an OCI tar, streamed while it is written.</summary>
    public async Task<Stream> DiffAsync(string id, string? parent, CancellationToken cancellationToken)
    {
        var diff = (await LayerStateAsync(id, cancellationToken).ConfigureAwait(false)).Layout.DiffDir(id);
        return WrittenStream.Start((output, ct) => LayerTarWriter.WriteAsync(diff, WhiteoutFormat.Overlay, output, ct));
    }

    public async Task<IReadOnlyList<FileChange>> ChangesAsync(string id, string? parent, CancellationToken cancellationToken)
    {
        var layout = (await LayerStateAsync(id, cancellationToken).ConfigureAwait(false)).Layout;
        return await Task.Run(() => LayerChanges.Compute(layout.DiffDir(id), layout.LowerDiffDirs(id)), cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> ApplyDiffAsync(string id, string? parent, Stream diff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(diff);
        var layout = (await LayerStateAsync(id, cancellationToken).ConfigureAwait(false)).Layout;
        var applied = await LayerTarApplier.ApplyAsync(diff, layout.DiffDir(id), WhiteoutFormat.Overlay, cancellationToken).ConfigureAwait(false);
        return applied.Size;
    }

    public async Task<LayerDigest> ApplyDiffFromFileAsync(string id, string? parent, string path, CancellationToken cancellationToken)
    {
        var layout = (await LayerStateAsync(id, cancellationToken).ConfigureAwait(false)).Layout;
        await using var blob = OpenBlob(path);
        return await LayerTarApplier.ApplyAsync(blob, layout.DiffDir(id), WhiteoutFormat.Overlay, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> DiffSizeAsync(string id, string? parent, CancellationToken cancellationToken)
    {
        var diff = (await LayerStateAsync(id, cancellationToken).ConfigureAwait(false)).Layout.DiffDir(id);
        return await Task.Run(() => DirectoryUsage.Measure(diff).Size, cancellationToken).ConfigureAwait(false);
    }

    private async Task<OverlayState> LayerStateAsync(string id, CancellationToken cancellationToken)
    {
        var current = await StateAsync(cancellationToken).ConfigureAwait(false);
        return current.Layout.Exists(id) ? current : throw BerthException.NotFound($"layer {id} does not exist");
    }

    private static FileStream OpenBlob(string path)
    {
        try
        {
            return new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, BufferSize = 0, Options = FileOptions.SequentialScan });
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw BerthException.NotFound($"layer blob {path} does not exist");
        }
    }
}
