using Berth.Sdk;
using Berth.Sdk.Snapshots;
using Berth.Sdk.Storage;
using Berth.Sdk.Storage.Snapshots;

namespace Berth.Plugins.Overlay;

/// <summary>
/// containerd's overlayfs snapshotter: snapshots are described as mounts the caller performs; layers are applied
/// straight into an active snapshot's upper dir with overlay whiteouts, and diffs read from it.
/// </summary>
public sealed partial class OverlayPlugin : ISnapshotter
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    public async Task<SnapshotInfo> StatAsync(string key, CancellationToken cancellationToken) =>
        (await StateAsync(cancellationToken).ConfigureAwait(false)).Snapshots.Require(key).ToInfo();

    public async Task<SnapshotInfo> UpdateAsync(SnapshotInfo info, IReadOnlyList<string> fieldPaths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(fieldPaths);
        var snapshots = (await StateAsync(cancellationToken).ConfigureAwait(false)).Snapshots;
        using var held = await snapshots.LockAsync(cancellationToken).ConfigureAwait(false);
        var record = snapshots.Require(info.Name);
        var labels = SnapshotLabels.Update(record.Labels, info.Labels, fieldPaths);
        var updated = record with { Labels = labels, Updated = DateTimeOffset.UtcNow };
        await snapshots.SaveAsync(updated, cancellationToken).ConfigureAwait(false);
        return updated.ToInfo();
    }

    public async Task<SnapshotUsage> UsageAsync(string key, CancellationToken cancellationToken)
    {
        var current = await StateAsync(cancellationToken).ConfigureAwait(false);
        var record = current.Snapshots.Require(key);
        var layout = current.Layout;
        if (record.Kind == SnapshotKind.Committed) return new SnapshotUsage(record.Size, record.Inodes);
        var usage = await Task.Run(() => DirectoryUsage.Measure(layout.DiffDir(record.Id)), cancellationToken).ConfigureAwait(false);
        return new SnapshotUsage(usage.Size, usage.Inodes);
    }

    public async Task<IReadOnlyList<Mount>> MountsAsync(string key, CancellationToken cancellationToken)
    {
        var current = await StateAsync(cancellationToken).ConfigureAwait(false);
        var record = current.Snapshots.Require(key);
        if (record.Kind == SnapshotKind.Committed)
            throw BerthException.Invalid($"snapshot {key} is committed: mounts are given for active and view snapshots only");
        return MountsOf(record, current.Layout);
    }

    public Task<IReadOnlyList<Mount>> PrepareAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken) =>
        CreateSnapshotAsync(SnapshotKind.Active, key, parent, labels, cancellationToken);

    public Task<IReadOnlyList<Mount>> ViewAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken) =>
        CreateSnapshotAsync(SnapshotKind.View, key, parent, labels, cancellationToken);

    public async Task CommitAsync(string name, string key, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken)
    {
        var current = await StateAsync(cancellationToken).ConfigureAwait(false);
        var snapshots = current.Snapshots;
        var layout = current.Layout;
        using var held = await snapshots.LockAsync(cancellationToken).ConfigureAwait(false);
        var active = snapshots.CheckCommit(key, name);
        var usage = DirectoryUsage.Measure(layout.DiffDir(active.Id));
        var now = DateTimeOffset.UtcNow;
        var committed = active with
        {
            Key = name, Kind = SnapshotKind.Committed, Labels = labels ?? active.Labels, Created = now, Updated = now,
            Size = usage.Size, Inodes = usage.Inodes,
        };
        await snapshots.SaveAsync(committed, cancellationToken).ConfigureAwait(false);
        snapshots.Delete(key);
    }

    async Task ISnapshotter.RemoveAsync(string key, CancellationToken cancellationToken)
    {
        var current = await StateAsync(cancellationToken).ConfigureAwait(false);
        var snapshots = current.Snapshots;
        var layout = current.Layout;
        using var held = await snapshots.LockAsync(cancellationToken).ConfigureAwait(false);
        var record = snapshots.CheckRemovable(key);
        snapshots.Delete(key); // the record goes first: a crash leaves an orphan folder that Cleanup reclaims
        layout.Remove(record.Id);
    }

    public async Task<IReadOnlyList<SnapshotInfo>> WalkAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken)
    {
        var snapshots = (await StateAsync(cancellationToken).ConfigureAwait(false)).Snapshots;
        return [.. snapshots.All.Select(r => r.ToInfo()).Where(i => SnapshotFilter.Matches(i, filters ?? [])).OrderBy(i => i.Name, StringComparer.Ordinal)];
    }

    async Task ISnapshotter.CleanupAsync(CancellationToken cancellationToken)
    {
        var current = await StateAsync(cancellationToken).ConfigureAwait(false);
        var snapshots = current.Snapshots;
        var layout = current.Layout;
        using var held = await snapshots.LockAsync(cancellationToken).ConfigureAwait(false);
        layout.RemoveLeftovers();
        var used = snapshots.All.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories(layout.Home))
        {
            var id = Path.GetFileName(dir);
            if (id is "l" or "snapshots" || id.StartsWith('.') || used.Contains(id)) continue;
            if (File.Exists(Path.Combine(dir, "snapshot"))) layout.Remove(id); // only folders the snapshotter made
        }
    }

    public async Task<LayerDigest> ApplyLayerAsync(string key, string blobPath, CancellationToken cancellationToken)
    {
        var current = await StateAsync(cancellationToken).ConfigureAwait(false);
        var record = current.Snapshots.Require(key);
        var layout = current.Layout;
        if (record.Kind != SnapshotKind.Active) throw BerthException.Invalid($"snapshot {key} is not active: layers apply to active snapshots only");
        await using var blob = OpenBlob(blobPath);
        return await LayerTarApplier.ApplyAsync(blob, layout.DiffDir(record.Id), WhiteoutFormat.Overlay, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LayerDigest> WriteDiffAsync(string key, string outputPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        var current = await StateAsync(cancellationToken).ConfigureAwait(false);
        var record = current.Snapshots.Require(key);
        var layout = current.Layout;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.Asynchronous, BufferSize = 1 << 20 };
        await using var output = new FileStream(outputPath, options);
        var digest = await LayerTarWriter.WriteAsync(layout.DiffDir(record.Id), WhiteoutFormat.Overlay, output, cancellationToken).ConfigureAwait(false);
        output.Flush(flushToDisk: true);
        return digest;
    }

    private async Task<IReadOnlyList<Mount>> CreateSnapshotAsync(SnapshotKind kind, string key, string? parent, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken)
    {
        var current = await StateAsync(cancellationToken).ConfigureAwait(false);
        var snapshots = current.Snapshots;
        var layout = current.Layout;
        using var held = await snapshots.LockAsync(cancellationToken).ConfigureAwait(false);
        var parentRecord = snapshots.CheckNew(key, parent);
        var id = OverlayLayout.NewId();
        layout.Create(id, parentRecord?.Id, snapshotKey: key);
        var now = DateTimeOffset.UtcNow;
        var record = new SnapshotRecord(key, id, kind, parentRecord?.Key, labels ?? NoLabels, now, now);
        try
        {
            await snapshots.SaveAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            layout.Remove(id);
            throw;
        }
        return MountsOf(record, layout);
    }

    /// <summary>Mounts from the layout alone: the snapshot's <c>lower</c> file already names its parents' short links.</summary>
    private static List<Mount> MountsOf(SnapshotRecord record, OverlayLayout layout)
    {
        var lowers = layout.LowerDirs(record.Id);
        if (record.Kind == SnapshotKind.View)
        {
            if (lowers.Count == 0) return [new Mount("bind", layout.DiffDir(record.Id), null, ["rbind", "ro"])];
            if (lowers.Count == 1) return [new Mount("bind", layout.LowerDiffDirs(record.Id)[0], null, ["rbind", "ro"])];
            return [new Mount("overlay", "overlay", null, ["lowerdir=" + string.Join(':', lowers)])];
        }
        if (lowers.Count == 0) return [new Mount("bind", layout.DiffDir(record.Id), null, ["rbind", "rw"])];
        return [new Mount("overlay", "overlay", null,
            ["lowerdir=" + string.Join(':', lowers), "upperdir=" + layout.DiffDir(record.Id), "workdir=" + layout.WorkDir(record.Id)])];
    }
}
