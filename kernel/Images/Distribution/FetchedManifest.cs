namespace Berth.Kernel.Images.Distribution;

/// <summary>
/// A single-platform manifest as fetched and verified. When the reference named a manifest list or an OCI index,
/// <see cref="IndexDigest"/> is that index's digest (what Docker records as the repo digest) and the rest describe
/// the platform's manifest it resolved to.
/// </summary>
public sealed record FetchedManifest(string Digest, string MediaType, byte[] Bytes, ImageManifest Manifest, string? IndexDigest = null);
