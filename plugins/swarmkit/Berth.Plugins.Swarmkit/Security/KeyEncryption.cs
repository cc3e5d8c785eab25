using System.Security.Cryptography;
using System.Text;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>
/// Seals small secrets (the node's private key, the data keys) under the unlock key: AES-256-GCM with a key derived by
/// HKDF-SHA256 from the unlock key and a fresh salt. Layout: version (1) | salt (16) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public static class KeyEncryption
{
    private const byte Version = 1;
    private const int SaltSize = 16;
    private const int HeaderSize = 1 + SaltSize + AeadLayout.NonceSize;
    private static readonly byte[] Info = Encoding.ASCII.GetBytes("berth swarm key encryption v1");

    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, UnlockKey unlockKey)
    {
        ArgumentNullException.ThrowIfNull(unlockKey);
        var output = new byte[HeaderSize + AeadLayout.TagSize + plaintext.Length];
        output[0] = Version;
        var salt = output.AsSpan(1, SaltSize);
        RandomNumberGenerator.Fill(salt);
        var nonce = output.AsSpan(1 + SaltSize, AeadLayout.NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(DeriveKey(unlockKey, salt), AeadLayout.TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(HeaderSize + AeadLayout.TagSize), output.AsSpan(HeaderSize, AeadLayout.TagSize), output.AsSpan(0, HeaderSize));
        return output;
    }

    /// <exception cref="IncorrectUnlockKeyException">The blob was sealed under another key, or altered.</exception>
    /// <exception cref="CryptographicException">The blob is not a sealed key at all.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> sealedBlob, UnlockKey unlockKey)
    {
        ArgumentNullException.ThrowIfNull(unlockKey);
        if (sealedBlob.Length < HeaderSize + AeadLayout.TagSize || sealedBlob[0] != Version)
            throw new CryptographicException("sealed key is malformed or of an unknown format version");
        var salt = sealedBlob.Slice(1, SaltSize);
        var nonce = sealedBlob.Slice(1 + SaltSize, AeadLayout.NonceSize);
        var plaintext = new byte[sealedBlob.Length - HeaderSize - AeadLayout.TagSize];
        using var aes = new AesGcm(DeriveKey(unlockKey, salt), AeadLayout.TagSize);
        try
        {
            aes.Decrypt(nonce, sealedBlob[(HeaderSize + AeadLayout.TagSize)..], sealedBlob.Slice(HeaderSize, AeadLayout.TagSize), plaintext, sealedBlob[..HeaderSize]);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new IncorrectUnlockKeyException(e);
        }
        return plaintext;
    }

    private static byte[] DeriveKey(UnlockKey unlockKey, ReadOnlySpan<byte> salt)
    {
        var derived = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, unlockKey.Bytes, derived, salt, Info);
        return derived;
    }
}
