using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>Checks that a certificate chains to the swarm's root and nothing else; names are never checked.</summary>
internal static class ChainValidator
{
    /// <summary>True when <paramref name="certificate"/> chains to <paramref name="root"/>, is valid at <paramref name="at"/> and allows <paramref name="usage"/>.</summary>
    public static bool IsTrusted(X509Certificate2 certificate, X509Certificate2 root, DateTimeOffset at, Oid usage)
    {
        using var chain = NewChain(root);
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        return Build(chain, certificate);
    }

    /// <summary>True when <paramref name="root"/> signed <paramref name="certificate"/>, whatever the time.</summary>
    public static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 root)
    {
        using var chain = NewChain(root);
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return Build(chain, certificate);
    }

    private static X509Chain NewChain(X509Certificate2 root)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain;
    }

    private static bool Build(X509Chain chain, X509Certificate2 certificate)
    {
        try
        {
            return chain.Build(certificate);
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            foreach (var element in chain.ChainElements)
                element.Certificate.Dispose();
        }
    }
}
