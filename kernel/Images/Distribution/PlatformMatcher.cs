namespace Berth.Kernel.Images.Distribution;

/// <summary>
/// Picks a manifest list / OCI index entry for a platform, as containerd's platform matcher does: os and
/// architecture equal (after normalisation), the variant defaulted (arm64 v8, arm v7) and, for 32-bit arm, older
/// variants accepted in order. Attestation entries (platform unknown/unknown) never match.
/// </summary>
public static class PlatformMatcher
{
    private const string ReferenceTypeAnnotation = "vnd.docker.reference.type";

    public static Descriptor? Select(ManifestIndex index, Platform want)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(want);
        var os = want.Os.ToLowerInvariant();
        var architecture = NormalizeArchitecture(want.Architecture);
        var acceptable = AcceptableVariants(architecture, NormalizeVariant(architecture, want.Variant));
        Descriptor? best = null;
        var bestRank = int.MaxValue;
        foreach (var entry in index.Manifests)
        {
            if (entry.Platform is not { } platform || !MediaTypes.IsManifest(entry.MediaType) || IsAttestation(entry)) continue;
            if (!string.Equals(platform.Os, os, StringComparison.OrdinalIgnoreCase)) continue;
            var entryArchitecture = NormalizeArchitecture(platform.Architecture);
            if (entryArchitecture != architecture) continue;
            var rank = acceptable.IndexOf(NormalizeVariant(entryArchitecture, platform.Variant));
            if (rank >= 0 && rank < bestRank) (best, bestRank) = (entry, rank);
        }
        return best;
    }

    private static bool IsAttestation(Descriptor entry) =>
        entry.Platform is { Os: "unknown", Architecture: "unknown" }
        || (entry.Annotations?.TryGetValue(ReferenceTypeAnnotation, out var type) == true && type == "attestation-manifest");

    private static string NormalizeArchitecture(string architecture) => architecture.ToLowerInvariant() switch
    {
        "x86_64" or "x86-64" => "amd64",
        "aarch64" => "arm64",
        "armhf" or "armel" => "arm",
        "i386" => "386",
        var other => other,
    };

    private static string NormalizeVariant(string architecture, string? variant) => (architecture, variant?.ToLowerInvariant()) switch
    {
        ("arm64", null or "" or "8") => "v8",
        ("arm", null or "") => "v7",
        ("arm", "5" or "6" or "7" or "8") => "v" + variant,
        ("amd64", "v1") => "",
        (_, var v) => v ?? "",
    };

    private static List<string> AcceptableVariants(string architecture, string variant)
    {
        if (architecture != "arm") return [variant];
        var order = new[] { "v8", "v7", "v6", "v5" };
        var start = Array.IndexOf(order, variant);
        return start < 0 ? [variant] : order[start..].ToList();
    }
}
