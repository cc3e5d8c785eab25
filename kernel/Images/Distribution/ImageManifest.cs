namespace Berth.Kernel.Images.Distribution;

/// <summary>A single-platform image manifest (Docker schema 2 or OCI).</summary>
public sealed record ImageManifest(string MediaType, Descriptor Config, IReadOnlyList<Descriptor> Layers);
