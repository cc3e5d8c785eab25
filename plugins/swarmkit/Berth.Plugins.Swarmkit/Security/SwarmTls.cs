using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>
/// Mutual TLS between swarm nodes: each side presents its node certificate and accepts only a peer whose certificate
/// chains to the swarm root and names a node of the same cluster. Peers are addressed by IP, so names are not checked.
/// </summary>
public sealed class SwarmTls
{
    /// <summary>What a client sends as SNI, as swarmkit does towards managers; it is never checked.</summary>
    public const string ServerName = "swarm-manager";
    internal const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    private readonly NodeCredentials credentials;
    private readonly TimeProvider time;
    private volatile SslStreamCertificateContext context;

    public SwarmTls(NodeCredentials credentials, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(time);
        this.credentials = credentials;
        this.time = time;
        context = SslStreamCertificateContext.Create(credentials.Certificate, additionalCertificates: null, offline: true);
    }

    /// <summary>
    /// Presents <paramref name="renewed"/> (a renewed certificate under the same root) on every connection made from now
    /// on; connections already open keep the certificate they were made with.
    /// </summary>
    public void Present(NodeCredentials renewed)
    {
        ArgumentNullException.ThrowIfNull(renewed);
        if (renewed.Identity.ClusterId != credentials.Identity.ClusterId || !renewed.Root.RawDataMemory.Span.SequenceEqual(credentials.Root.RawDataMemory.Span))
            throw new ArgumentException("a renewed certificate must belong to the same cluster and root", nameof(renewed));
        context = SslStreamCertificateContext.Create(renewed.Certificate, additionalCertificates: null, offline: true);
    }

    /// <summary>Server side of node-to-node traffic: a client certificate from this swarm is required.</summary>
    public SslServerAuthenticationOptions ServerOptions() => Server(allowAnonymous: false);

    /// <summary>
    /// Server side of the join endpoint: a client without a certificate (a joining node fetching the root CA and
    /// presenting its token and CSR) is let in, but a certificate that does not chain to this swarm is refused.
    /// </summary>
    public SslServerAuthenticationOptions BootstrapServerOptions() => Server(allowAnonymous: true);

    /// <summary>Client side of node-to-node traffic.</summary>
    public SslClientAuthenticationOptions ClientOptions() => new()
    {
        TargetHost = ServerName,
        ClientCertificateContext = context,
        EnabledSslProtocols = Protocols,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && IsSwarmPeer(certificate, CertificateProfiles.ServerAuth),
    };

    /// <summary>The node at the other end of an authenticated stream, or null when it presented no node certificate.</summary>
    public static NodeIdentity? PeerIdentity(SslStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return stream.IsAuthenticated && stream.RemoteCertificate is { } certificate
            ? NodeIdentity.FromCertificate(certificate)
            : null;
    }

    private SslServerAuthenticationOptions Server(bool allowAnonymous) => new()
    {
        ServerCertificateContext = context,
        ClientCertificateRequired = true,
        EnabledSslProtocols = Protocols,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is null ? allowAnonymous : IsSwarmPeer(certificate, CertificateProfiles.ClientAuth),
    };

    private bool IsSwarmPeer(X509Certificate presented, Oid usage)
    {
        var certificate = presented as X509Certificate2;
        using var loaded = certificate is null ? X509CertificateLoader.LoadCertificate(presented.GetRawCertData()) : null;
        certificate ??= loaded!;
        return ChainValidator.IsTrusted(certificate, credentials.Root, time.GetUtcNow(), usage)
            && NodeIdentity.FromCertificate(certificate)?.ClusterId == credentials.Identity.ClusterId;
    }
}
