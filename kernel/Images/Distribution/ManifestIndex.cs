namespace Berth.Kernel.Images.Distribution;

/// <summary>A multi-platform manifest list or OCI index.</summary>
public sealed record ManifestIndex(string MediaType, IReadOnlyList<Descriptor> Manifests);
