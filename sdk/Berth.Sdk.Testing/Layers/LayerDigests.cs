using System.Security.Cryptography;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Testing;

/// <summary>The <see cref="LayerDigest"/> a driver must answer for a layer: the sha256 and size of the uncompressed tar.</summary>
public static class LayerDigests
{
    public static LayerDigest Of(byte[] tar)
    {
        ArgumentNullException.ThrowIfNull(tar);
        return new LayerDigest("sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar)), tar.LongLength);
    }

    public static LayerDigest OfFile(string path)
    {
        using var file = File.OpenRead(path);
        var hash = SHA256.HashData(file);
        return new LayerDigest("sha256:" + Convert.ToHexStringLower(hash), file.Length);
    }
}
