using Berth.Sdk;

namespace Berth.Kernel.Images.References;

/// <summary>Validation of <c>algorithm:hex</c> content digests, as go-digest's <c>Parse</c> does it.</summary>
public static class DigestFormat
{
    /// <summary>The hex length of each algorithm Docker verifies.</summary>
    public static int? HexLength(string algorithm) => algorithm switch
    {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => null,
    };

    public static bool IsValid(string? digest) => digest is not null && Problem(digest) is null;

    /// <exception cref="BerthException">Not a valid digest (invalid parameter).</exception>
    public static string Validate(string digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return Problem(digest) is { } problem ? throw BerthException.Invalid(problem) : digest;
    }

    /// <summary>go-digest's error text for a malformed digest, or null when it is valid.</summary>
    internal static string? Problem(string digest)
    {
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == digest.Length - 1 || !ReferenceGrammar.Digest().IsMatch(digest))
            return "invalid checksum digest format";
        if (HexLength(digest[..colon]) is not { } length) return "unsupported digest algorithm";
        var hex = digest.AsSpan(colon + 1);
        if (hex.Length != length) return "invalid checksum digest length";
        foreach (var c in hex)
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f'))) return "invalid checksum digest format";
        return null;
    }
}
