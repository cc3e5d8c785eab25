namespace Berth.Sdk.Storage;

/// <summary>What applying or producing a layer tar yields: the digest of the uncompressed tar (Docker's diff id) and its size.</summary>
public sealed record LayerDigest(string DiffId, long Size);
