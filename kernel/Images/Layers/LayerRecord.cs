namespace Berth.Kernel.Images.Layers;

/// <summary>
/// A registered layer: its chain id (also the name of its committed snapshot), its diff id, the parent chain, the
/// uncompressed size, and the blobs known to carry it (as pulled, or as compressed for a push) with the repositories
/// they are known to be in, for cross-repository mounts.
/// </summary>
public sealed record LayerRecord(
    string ChainId,
    string DiffId,
    string? Parent,
    long Size,
    IReadOnlyList<LayerBlob> Blobs);

public sealed record LayerBlob(string Digest, string MediaType, long Size, IReadOnlyList<string> Repositories);
