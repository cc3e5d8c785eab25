using Berth.Sdk.Storage;

namespace Berth.Sdk.Snapshots;

/// <summary>containerd's snapshotter API: keyed active/committed snapshots described as mounts.</summary>
public interface ISnapshotter
{
    [Idempotent]
    Task<SnapshotInfo> StatAsync(string key, CancellationToken cancellationToken);

    /// <summary>Updates mutable properties; <paramref name="fieldPaths"/> are <c>labels</c> or <c>labels.&lt;key&gt;</c>.</summary>
    Task<SnapshotInfo> UpdateAsync(SnapshotInfo info, IReadOnlyList<string> fieldPaths, CancellationToken cancellationToken);

    [Idempotent, LongRunning]
    Task<SnapshotUsage> UsageAsync(string key, CancellationToken cancellationToken);

    [Idempotent]
    Task<IReadOnlyList<Mount>> MountsAsync(string key, CancellationToken cancellationToken);

    Task<IReadOnlyList<Mount>> PrepareAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken);

    Task<IReadOnlyList<Mount>> ViewAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken);

    Task CommitAsync(string name, string key, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken);

    Task RemoveAsync(string key, CancellationToken cancellationToken);

    /// <summary>Lists snapshots matching containerd-style filters (<c>name==x</c>, <c>parent==y</c>, <c>kind==committed</c>, <c>labels."k"==v</c>).</summary>
    [Idempotent]
    Task<IReadOnlyList<SnapshotInfo>> WalkAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken);

    /// <summary>Reclaims resources no snapshot references.</summary>
    [LongRunning]
    Task CleanupAsync(CancellationToken cancellationToken);

    /// <summary>
    /// containerd's diff service (Apply): applies the layer blob at <paramref name="blobPath"/> on this host — a tar,
    /// gzip or zstd, detected from its first bytes — into the active snapshot <paramref name="key"/>, turning OCI
    /// whiteouts into the driver's own. Returns the digest and size of the uncompressed tar, which the caller checks
    /// against the image's diff id.
    /// </summary>
    [LongRunning]
    Task<LayerDigest> ApplyLayerAsync(string key, string blobPath, CancellationToken cancellationToken);

    /// <summary>
    /// containerd's diff service (Compare): writes an uncompressed OCI layer tar of what snapshot <paramref name="key"/>
    /// changed over its parent to <paramref name="outputPath"/> on this host.
    /// </summary>
    [LongRunning]
    Task<LayerDigest> WriteDiffAsync(string key, string outputPath, CancellationToken cancellationToken);
}

public enum SnapshotKind
{
    Unknown = 0,
    View = 1,
    Active = 2,
    Committed = 3,
}

public sealed record SnapshotInfo(
    SnapshotKind Kind,
    string Name,
    string? Parent,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset Created,
    DateTimeOffset Updated);

public sealed record SnapshotUsage(long Size, long Inodes);

/// <summary>An fstab-style mount, e.g. <c>{Type:"overlay", Source:"overlay", Options:["lowerdir=…","upperdir=…","workdir=…"]}</c>.</summary>
public sealed record Mount(string Type, string Source, string? Target, IReadOnlyList<string> Options);
