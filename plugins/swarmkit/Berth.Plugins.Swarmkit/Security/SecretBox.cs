using System.Security.Cryptography;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>
/// Seals secret payloads at rest with AES-256-GCM under the cluster's 32-byte data key.
/// Layout: version (1) | nonce (12) | tag (16) | ciphertext; the version byte is authenticated too.
/// </summary>
public sealed class SecretBox
{
    public const byte Version = 1;
    private const int HeaderSize = 1 + AeadLayout.NonceSize;

    private readonly byte[] key;

    public SecretBox(ReadOnlySpan<byte> dataKey)
    {
        if (dataKey.Length != AeadLayout.KeySize)
            throw new ArgumentException($"a secret data key is {AeadLayout.KeySize} bytes", nameof(dataKey));
        key = dataKey.ToArray();
    }

    public static byte[] GenerateKey() => RandomNumberGenerator.GetBytes(AeadLayout.KeySize);

    public byte[] Encrypt(byte[] plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var output = new byte[HeaderSize + AeadLayout.TagSize + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, AeadLayout.NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, AeadLayout.TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(HeaderSize + AeadLayout.TagSize), output.AsSpan(HeaderSize, AeadLayout.TagSize), output.AsSpan(0, 1));
        return output;
    }

    /// <exception cref="SecretBoxException">The input is not a sealed secret, or was altered, or was sealed under another key.</exception>
    public byte[] Decrypt(byte[] sealedSecret)
    {
        ArgumentNullException.ThrowIfNull(sealedSecret);
        if (sealedSecret.Length < HeaderSize + AeadLayout.TagSize)
            throw new SecretBoxException("sealed secret is truncated");
        if (sealedSecret[0] != Version)
            throw new SecretBoxException($"sealed secret has unknown format version {sealedSecret[0]}");
        var input = sealedSecret.AsSpan();
        var plaintext = new byte[input.Length - HeaderSize - AeadLayout.TagSize];
        using var aes = new AesGcm(key, AeadLayout.TagSize);
        try
        {
            aes.Decrypt(input.Slice(1, AeadLayout.NonceSize), input[(HeaderSize + AeadLayout.TagSize)..], input.Slice(HeaderSize, AeadLayout.TagSize), plaintext, input[..1]);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new SecretBoxException("sealed secret failed authentication: it was altered or sealed under another key", e);
        }
        return plaintext;
    }
}
