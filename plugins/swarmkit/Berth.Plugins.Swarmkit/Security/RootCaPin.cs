using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>
/// The joining node's trust, before it has the root CA: only the digest from its join token. The TLS stack never sends
/// the self-signed root, so the pin cannot be checked inside the handshake. As in swarmkit's DownloadRootCA, the joiner
/// completes an encrypted but not yet trusted handshake with <see cref="ClientOptions"/>, downloads the root over it, and
/// calls <see cref="VerifyRoot"/> before it sends its token or CSR: the root must have the pinned digest and the server's
/// certificate must chain to that root.
/// </summary>
public sealed class RootCaPin
{
    private readonly TimeProvider time;

    public RootCaPin(string expectedDigest, TimeProvider time)
    {
        if (!CaDigest.IsWellFormed(expectedDigest))
            throw new ArgumentException("a CA digest is 50 lowercase base-36 characters", nameof(expectedDigest));
        ArgumentNullException.ThrowIfNull(time);
        ExpectedDigest = expectedDigest;
        this.time = time;
    }

    public string ExpectedDigest { get; }

    public static RootCaPin For(JoinToken token, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new RootCaPin(token.CaDigest, time);
    }

    /// <summary>Client options for the bootstrap connection: no client certificate; the server's is checked later by <see cref="VerifyRoot"/>.</summary>
    public SslClientAuthenticationOptions ClientOptions() => new()
    {
        TargetHost = SwarmTls.ServerName,
        EnabledSslProtocols = SwarmTls.Protocols,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null,
    };

    /// <summary>Accepts the root certificate the server sent over <paramref name="stream"/>.</summary>
    /// <returns>The trusted root; the caller owns it.</returns>
    /// <exception cref="CaDigestMismatchException">The root is not the pinned one, or the server's certificate is not issued by it.</exception>
    public X509Certificate2 VerifyRoot(string rootPem, SslStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var root = X509Certificate2.CreateFromPem(rootPem);
        try
        {
            if (CaDigest.Compute(root) != ExpectedDigest
                || stream.RemoteCertificate is not X509Certificate2 server
                || !ChainValidator.IsTrusted(server, root, time.GetUtcNow(), CertificateProfiles.ServerAuth))
            {
                throw new CaDigestMismatchException(ExpectedDigest);
            }
            return root;
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }
}
