using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>Docker's autolock key: <c>SWMKEY-1-</c> then 32 random bytes in standard base64 without padding.</summary>
public sealed class UnlockKey
{
    public const string Prefix = "SWMKEY-1-";
    public const int KeySize = 32;
    private const int EncodedLength = 43;

    private readonly byte[] key;

    private UnlockKey(byte[] key) => this.key = key;

    internal ReadOnlySpan<byte> Bytes => key;

    public static UnlockKey Generate() => new(RandomNumberGenerator.GetBytes(KeySize));

    public static UnlockKey Parse(string? text) =>
        TryParse(text, out var parsed) ? parsed : throw new InvalidUnlockKeyException();

    public static bool TryParse(string? text, [NotNullWhen(true)] out UnlockKey? key)
    {
        key = null;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var encoded = text.AsSpan(Prefix.Length);
        if (encoded.Length != EncodedLength || encoded.Contains('='))
            return false;
        var bytes = new byte[KeySize + 1];
        if (!Convert.TryFromBase64String(string.Concat(encoded, "="), bytes, out var written) || written != KeySize)
            return false;
        key = new UnlockKey(bytes[..KeySize]);
        return true;
    }

    public bool Matches(UnlockKey other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return CryptographicOperations.FixedTimeEquals(key, other.key);
    }

    public override string ToString() => Prefix + Convert.ToBase64String(key).TrimEnd('=');
}
