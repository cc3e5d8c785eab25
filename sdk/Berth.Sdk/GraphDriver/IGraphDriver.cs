using Berth.Sdk.Storage;

namespace Berth.Sdk.GraphDriver;

/// <summary>Docker's GraphDriver plugin API (layers by id, mounted directories, tar diffs).</summary>
public interface IGraphDriver
{
    Task InitAsync(GraphDriverInitRequest request, CancellationToken cancellationToken);

    [Idempotent]
    Task<GraphDriverCapabilities> CapabilitiesAsync(CancellationToken cancellationToken);

    /// <summary>Creates a read-only layer.</summary>
    Task CreateAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken);

    /// <summary>Creates a read-write (container) layer.</summary>
    Task CreateReadWriteAsync(GraphDriverCreateRequest request, CancellationToken cancellationToken);

    Task RemoveAsync(string id, CancellationToken cancellationToken);

    /// <summary>Mounts the layer and returns the directory of its root filesystem.</summary>
    [Idempotent]
    Task<string> GetAsync(string id, string? mountLabel, CancellationToken cancellationToken);

    /// <summary>Releases a mount obtained with <see cref="GetAsync"/>.</summary>
    Task PutAsync(string id, CancellationToken cancellationToken);

    [Idempotent]
    Task<bool> ExistsAsync(string id, CancellationToken cancellationToken);

    /// <summary>Key/value pairs shown by <c>docker info</c> under the storage driver.</summary>
    [Idempotent]
    Task<IReadOnlyList<IReadOnlyList<string>>> StatusAsync(CancellationToken cancellationToken);

    [Idempotent]
    Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(string id, CancellationToken cancellationToken);

    /// <summary>Unmounts everything at shutdown.</summary>
    Task CleanupAsync(CancellationToken cancellationToken);

    /// <summary>An uncompressed layer tar of the changes between <paramref name="parent"/> and <paramref name="id"/>.</summary>
    [LongRunning]
    Task<Stream> DiffAsync(string id, string? parent, CancellationToken cancellationToken);

    [Idempotent, LongRunning]
    Task<IReadOnlyList<FileChange>> ChangesAsync(string id, string? parent, CancellationToken cancellationToken);

    /// <summary>Applies an uncompressed layer tar read from <paramref name="diff"/>; returns the bytes applied.</summary>
    [LongRunning]
    Task<long> ApplyDiffAsync(string id, string? parent, Stream diff, CancellationToken cancellationToken);

    /// <summary>
    /// Same as <see cref="ApplyDiffAsync"/> for a layer blob on this host (tar, gzip or zstd; no bytes through the pipe).
    /// Returns the digest and size of the uncompressed tar.
    /// </summary>
    [LongRunning]
    Task<LayerDigest> ApplyDiffFromFileAsync(string id, string? parent, string path, CancellationToken cancellationToken);

    [Idempotent, LongRunning]
    Task<long> DiffSizeAsync(string id, string? parent, CancellationToken cancellationToken);
}

public sealed record GraphDriverInitRequest(
    string Home,
    IReadOnlyList<string> Opts,
    IReadOnlyList<IdMap> UidMaps,
    IReadOnlyList<IdMap> GidMaps);

public sealed record IdMap(long ContainerId, long HostId, long Size);

public sealed record GraphDriverCreateRequest(
    string Id,
    string? Parent,
    string? MountLabel,
    IReadOnlyDictionary<string, string>? StorageOpt);

public sealed record GraphDriverCapabilities(bool ReproducesExactDiffs);

public enum ChangeKind
{
    Modify = 0,
    Add = 1,
    Delete = 2,
}

public sealed record FileChange(string Path, ChangeKind Kind);
