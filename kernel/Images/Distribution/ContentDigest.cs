using System.Security.Cryptography;
using Berth.Kernel.Images.References;
using Berth.Sdk;

namespace Berth.Kernel.Images.Distribution;

/// <summary>Computing and checking content digests (<c>sha256:…</c>, also sha384/sha512 as Docker verifies them).</summary>
public static class ContentDigest
{
    /// <summary>The digest of <paramref name="content"/> in the same algorithm as <paramref name="expected"/>.</summary>
    public static string Compute(string expected, ReadOnlySpan<byte> content)
    {
        using var hash = CreateHash(expected);
        hash.AppendData(content);
        return Finish(expected, hash);
    }

    public static bool Matches(string expected, ReadOnlySpan<byte> content) =>
        string.Equals(Compute(expected, content), expected, StringComparison.Ordinal);

    /// <summary>An incremental hash for the algorithm of <paramref name="digest"/>.</summary>
    /// <exception cref="BerthException">Malformed digest or an unsupported algorithm (invalid parameter).</exception>
    public static IncrementalHash CreateHash(string digest)
    {
        DigestFormat.Validate(digest);
        return Algorithm(digest) switch
        {
            "sha256" => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
            "sha384" => IncrementalHash.CreateHash(HashAlgorithmName.SHA384),
            _ => IncrementalHash.CreateHash(HashAlgorithmName.SHA512),
        };
    }

    /// <summary>The digest string (<c>algorithm:hex</c>) of what <paramref name="hash"/> has seen so far; resets it.</summary>
    public static string Finish(string digestOfSameAlgorithm, IncrementalHash hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return Algorithm(digestOfSameAlgorithm) + ":" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string Algorithm(string digest) => digest[..digest.IndexOf(':', StringComparison.Ordinal)];
}
