namespace Berth.Kernel.Images.Distribution;

/// <summary>An OCI content descriptor: what a manifest says about a blob or a child manifest.</summary>
public sealed record Descriptor(
    string MediaType,
    string Digest,
    long Size,
    IReadOnlyList<string>? Urls = null,
    IReadOnlyDictionary<string, string>? Annotations = null,
    Platform? Platform = null);
