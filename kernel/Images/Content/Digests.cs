using System.Security.Cryptography;
using System.Text;
using Berth.Sdk;

namespace Berth.Kernel.Images.Content;

/// <summary>sha256 digests as the image specs write them: <c>sha256:&lt;64 lowercase hex&gt;</c>.</summary>
public static class Digests
{
    public const string Prefix = "sha256:";

    public static bool IsValid(string? digest) =>
        digest is { Length: 71 } && digest.StartsWith(Prefix, StringComparison.Ordinal) && IsHex64(digest.AsSpan(7));

    public static bool IsHex64(ReadOnlySpan<char> text)
    {
        if (text.Length != 64) return false;
        foreach (var c in text) if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        return true;
    }

    public static string Require(string? digest) =>
        IsValid(digest) ? digest! : throw BerthException.Invalid($"invalid digest \"{digest}\": expected sha256:<64 hex digits>");

    public static string Hex(string digest) => Require(digest)[Prefix.Length..];

    public static string Of(ReadOnlySpan<byte> bytes) => Prefix + Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string Of(string text) => Of(Encoding.UTF8.GetBytes(text));

    public static string FromHash(IncrementalHash hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The first 12 hex digits, as <c>docker images</c> shows ids.</summary>
    public static string Short(string digest) =>
        (digest.StartsWith(Prefix, StringComparison.Ordinal) ? digest[Prefix.Length..] : digest)[..Math.Min(12, digest.Length)];
}
