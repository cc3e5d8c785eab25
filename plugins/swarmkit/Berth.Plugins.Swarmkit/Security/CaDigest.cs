using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>swarmkit's root CA fingerprint: SHA-256 of the DER certificate in lowercase base 36, zero-padded to 50 characters.</summary>
public static class CaDigest
{
    public const int Length = 50;

    public static string Compute(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Base36.Encode(SHA256.HashData(certificate.RawData), Length);
    }

    public static bool IsWellFormed(string? digest) => BaseThirtySix.IsDigits(digest, Length);
}
