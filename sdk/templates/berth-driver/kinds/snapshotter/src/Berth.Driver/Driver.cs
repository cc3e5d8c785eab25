using Berth.Sdk;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Snapshots;
using Berth.Sdk.Storage;
using Berth.Sdk.Storage.Snapshots;

// Berth.Sdk.Storage makes Linux system calls: so does this driver.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: BerthPlugin(typeof(Berth.Driver.Driver))]

namespace Berth.Driver;

/// <summary>
/// The snapshotter (containerd's model: active, view and committed snapshots, described to berthd as mounts it
/// performs). As generated every active snapshot is a full copy of its parent's tree under the plugin's root, mounted
/// as a bind; a view binds its committed parent read-only. It works on any file system and passes the conformance
/// kit; the tar work is Berth.Sdk.Storage's (<see cref="LayerTarApplier"/>, <see cref="CopyLayers"/>) and the key →
/// snapshot records are its <see cref="SnapshotIndex"/>. Replace the copies with your storage (overlay, snapshots of
/// a copy-on-write file system…) and run `dotnet test` again.
/// </summary>
public sealed class Driver(PluginContext context) : ISnapshotter
{
    private const string CreatingPrefix = ".creating-";
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();
    private readonly string trees = Path.Combine(context.Root, "trees");
    private readonly Lock loading = new();
    private Task<SnapshotIndex>? index;

    public async Task<SnapshotInfo> StatAsync(string key, CancellationToken cancellationToken) =>
        (await IndexAsync(cancellationToken)).Require(key).ToInfo();

    public async Task<SnapshotInfo> UpdateAsync(SnapshotInfo info, IReadOnlyList<string> fieldPaths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        var snapshots = await IndexAsync(cancellationToken);
        using var held = await snapshots.LockAsync(cancellationToken);
        var record = snapshots.Require(info.Name);
        var updated = record with { Labels = SnapshotLabels.Update(record.Labels, info.Labels, fieldPaths), Updated = DateTimeOffset.UtcNow };
        await snapshots.SaveAsync(updated, cancellationToken);
        return updated.ToInfo();
    }

    public async Task<SnapshotUsage> UsageAsync(string key, CancellationToken cancellationToken)
    {
        var snapshots = await IndexAsync(cancellationToken);
        var record = snapshots.Require(key);
        return record.Kind switch
        {
            SnapshotKind.Committed => new SnapshotUsage(record.Size, record.Inodes),
            SnapshotKind.View => new SnapshotUsage(0, 0),
            _ => await Task.Run(() => Measure(record, snapshots), cancellationToken),
        };
    }

    public async Task<IReadOnlyList<Mount>> MountsAsync(string key, CancellationToken cancellationToken)
    {
        var snapshots = await IndexAsync(cancellationToken);
        var record = snapshots.Require(key);
        return record.Kind == SnapshotKind.Committed
            ? throw BerthException.Invalid($"snapshot {key} is committed: mounts are given for active and view snapshots only")
            : MountsOf(record, snapshots);
    }

    public Task<IReadOnlyList<Mount>> PrepareAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken) =>
        CreateAsync(SnapshotKind.Active, key, parent, labels, cancellationToken);

    public Task<IReadOnlyList<Mount>> ViewAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken) =>
        CreateAsync(SnapshotKind.View, key, parent, labels, cancellationToken);

    public async Task CommitAsync(string name, string key, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken)
    {
        var snapshots = await IndexAsync(cancellationToken);
        // Measured before the lock (a walk of two trees): berthd commits a snapshot once nothing writes to it any more.
        var usage = await Task.Run(() => Measure(snapshots.Require(key), snapshots), cancellationToken);
        using var held = await snapshots.LockAsync(cancellationToken);
        var active = snapshots.CheckCommit(key, name);
        var now = DateTimeOffset.UtcNow;
        // The committed record is written before the active one goes; SnapshotIndex drops the active one when a crash
        // falls in between.
        await snapshots.SaveAsync(active with
        {
            Key = name, Kind = SnapshotKind.Committed, Labels = labels ?? active.Labels, Created = now, Updated = now,
            Size = usage.Size, Inodes = usage.Inodes,
        }, cancellationToken);
        snapshots.Delete(key);
    }

    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        var snapshots = await IndexAsync(cancellationToken);
        using var held = await snapshots.LockAsync(cancellationToken);
        var record = snapshots.CheckRemovable(key);
        snapshots.Delete(key); // the record first: a tree a crash leaves without one is removed at the next load
        DeleteIfExists(TreeOf(record.Id));
    }

    public async Task<IReadOnlyList<SnapshotInfo>> WalkAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken) =>
        [.. (await IndexAsync(cancellationToken)).All.Select(r => r.ToInfo())
            .Where(i => SnapshotFilter.Matches(i, filters ?? [])).OrderBy(i => i.Name, StringComparer.Ordinal)];

    /// <summary>Removes the trees no snapshot record names (berthd never calls it: loading does the same).</summary>
    public async Task CleanupAsync(CancellationToken cancellationToken)
    {
        var snapshots = await IndexAsync(cancellationToken);
        using var held = await snapshots.LockAsync(cancellationToken);
        RemoveOrphanTrees(snapshots);
    }

    public async Task<LayerDigest> ApplyLayerAsync(string key, string blobPath, CancellationToken cancellationToken)
    {
        var record = (await IndexAsync(cancellationToken)).Require(key);
        if (record.Kind != SnapshotKind.Active) throw BerthException.Invalid($"snapshot {key} is not active: layers apply to active snapshots only");
        if (!File.Exists(blobPath)) throw BerthException.NotFound($"layer blob {blobPath} does not exist");
        await using var blob = File.OpenRead(blobPath);
        return await LayerTarApplier.ApplyAsync(blob, TreeOf(record.Id), WhiteoutFormat.Delete, cancellationToken);
    }

    public async Task<LayerDigest> WriteDiffAsync(string key, string outputPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        var snapshots = await IndexAsync(cancellationToken);
        var record = snapshots.Require(key);
        var (tree, parent) = (TreeOf(record, snapshots), ParentTree(record, snapshots));
        await using var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
        var digest = await CopyLayers.WriteDiffAsync(tree, CopyLayers.Changes(tree, parent), output, cancellationToken);
        output.Flush(flushToDisk: true);
        return digest;
    }

    private async Task<IReadOnlyList<Mount>> CreateAsync(SnapshotKind kind, string key, string? parent, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken)
    {
        var snapshots = await IndexAsync(cancellationToken);
        // The lock is held through the copy: simple, at the price of one create at a time. Storage with cheap
        // snapshots (a copy-on-write file system) does not copy at all.
        using var held = await snapshots.LockAsync(cancellationToken);
        var parentRecord = snapshots.CheckNew(key, parent);
        var id = Guid.NewGuid().ToString("N");
        // Made under a temporary name and renamed: a crash leaves no half-copied tree under a snapshot's id.
        var creating = Directory.CreateDirectory(Path.Combine(trees, CreatingPrefix + id)).FullName;
        try
        {
            // A view binds its parent's tree read-only (a committed tree never changes), so only an active one copies.
            if (kind == SnapshotKind.Active && parentRecord is not null) await CopyLayers.CopyTreeAsync(TreeOf(parentRecord.Id), creating, cancellationToken);
            Directory.Move(creating, TreeOf(id));
            var now = DateTimeOffset.UtcNow;
            var record = new SnapshotRecord(key, id, kind, parentRecord?.Key, labels ?? NoLabels, now, now);
            await snapshots.SaveAsync(record, cancellationToken);
            return MountsOf(record, snapshots);
        }
        catch
        {
            DeleteIfExists(creating);
            DeleteIfExists(TreeOf(id));
            throw;
        }
    }

    /// <summary>The records, loaded once (again after a failed load) by the first call, whichever caller it was.</summary>
    private Task<SnapshotIndex> IndexAsync(CancellationToken cancellationToken)
    {
        lock (loading)
        {
            if (index is null || index.IsFaulted) index = Task.Run(LoadAsync, CancellationToken.None);
            return index.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Nothing is in flight yet: trees a crash left half-made or without a record (a remove cut short) go.</summary>
    private async Task<SnapshotIndex> LoadAsync()
    {
        Directory.CreateDirectory(trees);
        var snapshots = await SnapshotIndex.LoadAsync(Path.Combine(context.Root, "snapshots"), CancellationToken.None);
        RemoveOrphanTrees(snapshots);
        return snapshots;
    }

    private void RemoveOrphanTrees(SnapshotIndex snapshots)
    {
        var used = snapshots.All.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var tree in Directory.EnumerateDirectories(trees))
            if (!used.Contains(Path.GetFileName(tree))) DeleteIfExists(tree);
    }

    private List<Mount> MountsOf(SnapshotRecord record, SnapshotIndex snapshots) =>
        [new Mount("bind", TreeOf(record, snapshots), null, ["rbind", record.Kind == SnapshotKind.View ? "ro" : "rw"])];

    /// <summary>What the snapshot changed over its parent: bytes (each inode once), and as inodes the names it adds or changes.</summary>
    private SnapshotUsage Measure(SnapshotRecord record, SnapshotIndex snapshots)
    {
        var (tree, parent) = (TreeOf(record, snapshots), ParentTree(record, snapshots));
        return new SnapshotUsage(CopyLayers.DiffSize(tree, parent), CopyLayers.Changes(tree, parent).Count(c => c.Kind != ChangeKind.Delete));
    }

    /// <summary>The tree a snapshot shows: its own, or for a view its parent's.</summary>
    private string TreeOf(SnapshotRecord record, SnapshotIndex snapshots) =>
        record.Kind == SnapshotKind.View && record.Parent is not null ? TreeOf(snapshots.Require(record.Parent), snapshots) : TreeOf(record.Id);

    private string? ParentTree(SnapshotRecord record, SnapshotIndex snapshots) =>
        record.Parent is null ? null : TreeOf(snapshots.Require(record.Parent), snapshots);

    private string TreeOf(string id) => Path.Combine(trees, id);

    private static void DeleteIfExists(string directory)
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }
}
