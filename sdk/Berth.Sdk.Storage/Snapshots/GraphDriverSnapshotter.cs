using System.Security.Cryptography;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Snapshots;

namespace Berth.Sdk.Storage.Snapshots;

/// <summary>
/// Serves containerd's snapshotter contract with any Docker graph driver: snapshots are graph-driver layers with
/// random ids, and the key → layer index lives beside the caller's metadata. Mounts are described from the driver's
/// metadata when it names overlay dirs (nothing is mounted to describe them), else from a <c>Get</c>.
/// </summary>
public sealed class GraphDriverSnapshotter(IGraphDriver driver, SnapshotIndex index, GraphDriverInitRequest init, TimeProvider time) : ISnapshotter
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();
    private readonly Lock initGate = new();
    private Task? initialized;

    /// <summary>
    /// The driver's process was (re)started (a crash, an upgrade): the next call sends Init again, as to a fresh
    /// driver, so a driver need not remember what Init told it.
    /// </summary>
    public void DriverRestarted()
    {
        lock (initGate) initialized = null;
    }

    /// <summary>Docker's protocol starts every graph driver with Init; done once per driver process, again after a failure.</summary>
    private Task InitializedAsync(CancellationToken cancellationToken)
    {
        lock (initGate)
        {
            if (initialized is null || initialized.IsFaulted || initialized.IsCanceled) initialized = driver.InitAsync(init, cancellationToken);
            return initialized;
        }
    }

    public Task<SnapshotInfo> StatAsync(string key, CancellationToken cancellationToken) => Task.FromResult(index.Require(key).ToInfo());

    public async Task<SnapshotInfo> UpdateAsync(SnapshotInfo info, IReadOnlyList<string> fieldPaths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        using var held = await index.LockAsync(cancellationToken).ConfigureAwait(false);
        var record = index.Require(info.Name);
        var updated = record with { Labels = SnapshotLabels.Update(record.Labels, info.Labels, fieldPaths), Updated = time.GetUtcNow() };
        await index.SaveAsync(updated, cancellationToken).ConfigureAwait(false);
        return updated.ToInfo();
    }

    public async Task<SnapshotUsage> UsageAsync(string key, CancellationToken cancellationToken)
    {
        await InitializedAsync(cancellationToken).ConfigureAwait(false);
        var record = index.Require(key);
        if (record.Kind == SnapshotKind.Committed) return new SnapshotUsage(record.Size, record.Inodes);
        // A graph driver reports bytes only: the inodes are the names the layer adds or changes.
        var size = await driver.DiffSizeAsync(record.Id, ParentId(record), cancellationToken).ConfigureAwait(false);
        try
        {
            var changes = await driver.ChangesAsync(record.Id, ParentId(record), cancellationToken).ConfigureAwait(false);
            return new SnapshotUsage(size, changes.Count(c => c.Kind != ChangeKind.Delete)); // the directories holding a change count too: an upper dir has them
        }
        catch (BerthException ex) when (ex.Kind == BerthErrorKind.NotImplemented)
        {
            return new SnapshotUsage(size, 0); // a driver without Changes: bytes only
        }
    }

    public async Task<IReadOnlyList<Mount>> MountsAsync(string key, CancellationToken cancellationToken)
    {
        await InitializedAsync(cancellationToken).ConfigureAwait(false);
        var record = index.Require(key);
        if (record.Kind == SnapshotKind.Committed)
            throw BerthException.Invalid($"snapshot {key} is committed: mounts are given for active and view snapshots only");
        return await MountsOfAsync(record, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<Mount>> PrepareAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken) =>
        CreateAsync(SnapshotKind.Active, key, parent, labels, cancellationToken);

    public Task<IReadOnlyList<Mount>> ViewAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken) =>
        CreateAsync(SnapshotKind.View, key, parent, labels, cancellationToken);

    public async Task CommitAsync(string name, string key, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken)
    {
        await InitializedAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(name)) throw BerthException.Invalid("snapshot name must not be empty");
        using var held = await index.LockAsync(cancellationToken).ConfigureAwait(false);
        var active = index.Require(key);
        if (active.Kind != SnapshotKind.Active)
            throw BerthException.Invalid($"snapshot {key} is a {active.Kind.ToString().ToLowerInvariant()} snapshot: only active snapshots can be committed");
        if (index.Find(name) is not null) throw BerthException.Conflict($"snapshot {name} already exists");
        var size = await driver.DiffSizeAsync(active.Id, ParentId(active), cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        await index.SaveAsync(active with { Key = name, Kind = SnapshotKind.Committed, Labels = labels ?? active.Labels, Created = now, Updated = now, Size = size }, cancellationToken).ConfigureAwait(false);
        index.Delete(key);
    }

    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        await InitializedAsync(cancellationToken).ConfigureAwait(false);
        using var held = await index.LockAsync(cancellationToken).ConfigureAwait(false);
        var record = index.CheckRemovable(key);
        index.Delete(key);
        await driver.RemoveAsync(record.Id, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<SnapshotInfo>> WalkAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SnapshotInfo>>(
            [.. index.All.Select(r => r.ToInfo()).Where(i => SnapshotFilter.Matches(i, filters ?? [])).OrderBy(i => i.Name, StringComparer.Ordinal)]);

    public Task CleanupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<LayerDigest> ApplyLayerAsync(string key, string blobPath, CancellationToken cancellationToken)
    {
        await InitializedAsync(cancellationToken).ConfigureAwait(false);
        var record = index.Require(key);
        if (record.Kind != SnapshotKind.Active) throw BerthException.Invalid($"snapshot {key} is not active: layers apply to active snapshots only");
        return await driver.ApplyDiffFromFileAsync(record.Id, ParentId(record), blobPath, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LayerDigest> WriteDiffAsync(string key, string outputPath, CancellationToken cancellationToken)
    {
        await InitializedAsync(cancellationToken).ConfigureAwait(false);
        var record = index.Require(key);
        await using var diff = await driver.DiffAsync(record.Id, ParentId(record), cancellationToken).ConfigureAwait(false);
        await using var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long size = 0;
        int read;
        while ((read = await diff.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            size += read;
        }
        output.Flush(flushToDisk: true);
        return new LayerDigest("sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }

    private async Task<IReadOnlyList<Mount>> CreateAsync(SnapshotKind kind, string key, string? parent, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken)
    {
        await InitializedAsync(cancellationToken).ConfigureAwait(false);
        SnapshotRecord record;
        using (await index.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var parentRecord = index.CheckNew(key, parent);
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            var request = new GraphDriverCreateRequest(id, parentRecord?.Id, null, null);
            if (kind == SnapshotKind.Active) await driver.CreateReadWriteAsync(request, cancellationToken).ConfigureAwait(false);
            else await driver.CreateAsync(request, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            record = new SnapshotRecord(key, id, kind, parentRecord?.Key, labels ?? NoLabels, now, now);
            try
            {
                await index.SaveAsync(record, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await driver.RemoveAsync(id, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
        return await MountsOfAsync(record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Overlay dirs from the driver's metadata become an overlay mount, unless their options outgrow the one page mount(2)
    /// takes (a long layer chain: Docker's metadata names the real diff dirs, not overlay2's short links); then, as
    /// for any other driver, the driver mounts the layer itself (Get) and the snapshot is a bind of that directory.
    /// </summary>
    private async Task<IReadOnlyList<Mount>> MountsOfAsync(SnapshotRecord record, CancellationToken cancellationToken)
    {
        var readOnly = record.Kind == SnapshotKind.View;
        var metadata = await driver.GetMetadataAsync(record.Id, cancellationToken).ConfigureAwait(false);
        if (metadata.TryGetValue("UpperDir", out var upper))
        {
            if (!metadata.TryGetValue("LowerDir", out var lower) || string.IsNullOrEmpty(lower))
                return [new Mount("bind", upper, null, ["rbind", readOnly ? "ro" : "rw"])];
            string[]? options = readOnly ? [$"lowerdir={upper}:{lower}"]
                : metadata.TryGetValue("WorkDir", out var work) ? [$"lowerdir={lower}", $"upperdir={upper}", $"workdir={work}"] : null;
            if (options is not null && System.Text.Encoding.UTF8.GetByteCount(string.Join(',', options)) < MountDataLimit)
                return [new Mount("overlay", "overlay", null, options)];
        }
        var dir = await driver.GetAsync(record.Id, null, cancellationToken).ConfigureAwait(false);
        return [new Mount("bind", dir, null, ["rbind", readOnly ? "ro" : "rw"])];
    }

    /// <summary>mount(2) copies at most one page of options; 4096 bytes is the smallest page Linux runs with.</summary>
    private const int MountDataLimit = 4095;

    private string? ParentId(SnapshotRecord record) => record.Parent is null ? null : index.Find(record.Parent)?.Id;
}
