using Berth.Sdk;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Snapshots;

[assembly: BerthPlugin(typeof(Berth.Plugins.Overlay.OverlayPlugin))]

namespace Berth.Plugins.Overlay;

/// <summary>
/// The overlay storage plugin: Docker's overlay2 graph driver and containerd's overlayfs snapshotter.
/// Status and capabilities are served; layer work is not built yet and says so.
/// </summary>
public sealed class OverlayPlugin(PluginContext context) : IGraphDriver, ISnapshotter
{
    private string home = Path.Combine(context.Root, "overlay2");

    public Task InitAsync(GraphDriverInitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        home = string.IsNullOrEmpty(request.Home) ? home : request.Home;
        Directory.CreateDirectory(home);
        return Task.CompletedTask;
    }

    public Task<GraphDriverCapabilities> CapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new GraphDriverCapabilities(ReproducesExactDiffs: false));

    public Task<IReadOnlyList<IReadOnlyList<string>>> StatusAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(home);
        IReadOnlyList<IReadOnlyList<string>> status =
        [
            ["Backing Filesystem", BackingFilesystem.Of(home)],
            ["Supports d_type", "true"],
            ["Using metacopy", "false"],
            ["Native Overlay Diff", "true"],
            ["userxattr", "false"],
        ];
        return Task.FromResult(status);
    }

    public Task<bool> ExistsAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(Directory.Exists(Path.Combine(home, id)));

    public Task CleanupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CreateAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken) => throw NotYet("Create");
    public Task CreateReadWriteAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken) => throw NotYet("CreateReadWrite");
    public Task RemoveAsync(string id, CancellationToken cancellationToken) => throw NotYet("Remove");
    public Task<string> GetAsync(string id, string? mountLabel, CancellationToken cancellationToken) => throw NotYet("Get");
    public Task PutAsync(string id, CancellationToken cancellationToken) => throw NotYet("Put");
    public Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(string id, CancellationToken cancellationToken) => throw NotYet("GetMetadata");
    public Task<Stream> DiffAsync(string id, string? parent, CancellationToken cancellationToken) => throw NotYet("Diff");
    public Task<IReadOnlyList<FileChange>> ChangesAsync(string id, string? parent, CancellationToken cancellationToken) => throw NotYet("Changes");
    public Task<long> ApplyDiffAsync(string id, string? parent, Stream diff, CancellationToken cancellationToken) => throw NotYet("ApplyDiff");
    public Task<long> ApplyDiffFromFileAsync(string id, string? parent, string path, CancellationToken cancellationToken) => throw NotYet("ApplyDiffFromFile");
    public Task<long> DiffSizeAsync(string id, string? parent, CancellationToken cancellationToken) => throw NotYet("DiffSize");

    public Task<SnapshotInfo> StatAsync(string key, CancellationToken cancellationToken) => throw NotYet("Snapshotter.Stat");
    public Task<SnapshotInfo> UpdateAsync(SnapshotInfo info, IReadOnlyList<string> fieldPaths, CancellationToken cancellationToken) => throw NotYet("Snapshotter.Update");
    public Task<SnapshotUsage> UsageAsync(string key, CancellationToken cancellationToken) => throw NotYet("Snapshotter.Usage");
    public Task<IReadOnlyList<Mount>> MountsAsync(string key, CancellationToken cancellationToken) => throw NotYet("Snapshotter.Mounts");
    public Task<IReadOnlyList<Mount>> PrepareAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken) => throw NotYet("Snapshotter.Prepare");
    public Task<IReadOnlyList<Mount>> ViewAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken) => throw NotYet("Snapshotter.View");
    public Task CommitAsync(string name, string key, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken) => throw NotYet("Snapshotter.Commit");
    Task ISnapshotter.RemoveAsync(string key, CancellationToken cancellationToken) => throw NotYet("Snapshotter.Remove");
    public Task<IReadOnlyList<SnapshotInfo>> WalkAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<SnapshotInfo>>([]);
    Task ISnapshotter.CleanupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static BerthException NotYet(string method) =>
        BerthException.NotImplemented($"overlay: {method} is not implemented yet: image layers are not supported by this version of Berth");
}
