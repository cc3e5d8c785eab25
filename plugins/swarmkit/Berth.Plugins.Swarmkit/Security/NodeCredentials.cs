using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>
/// What a node proves itself with: its certificate with the private key, usable by <see cref="System.Net.Security.SslStream"/>,
/// and the root certificate it trusts. Kept in the node's certificates directory as Docker names them.
/// </summary>
public sealed class NodeCredentials : IDisposable
{
    public const string RootCertificateFile = ClusterRootCa.CertificateFile;
    public const string CertificateFile = "swarm-node.crt";
    public const string KeyFile = "swarm-node.key";

    private NodeCredentials(X509Certificate2 certificate, X509Certificate2 root, NodeIdentity identity)
    {
        Certificate = certificate;
        Root = root;
        Identity = identity;
    }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2 Root { get; }

    public NodeIdentity Identity { get; }

    public string RootPem => Root.ExportCertificatePem();

    /// <summary>Combines the node's key with the certificate the CA issued for it, checking that they belong together.</summary>
    public static NodeCredentials Create(NodeKey key, string certificatePem, string rootPem)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Create(key.Key, certificatePem, rootPem);
    }

    public static bool Exists(string directory) =>
        new[] { RootCertificateFile, CertificateFile, KeyFile }.All(name => File.Exists(Path.Combine(directory, name)));

    /// <exception cref="SwarmLockedException">The key is sealed and no <paramref name="lockKey"/> was given.</exception>
    /// <exception cref="IncorrectUnlockKeyException">The key is sealed under another unlock key.</exception>
    public static NodeCredentials Load(string directory, UnlockKey? lockKey = null)
    {
        using var key = PrivateKeyFile.Read(Path.Combine(directory, KeyFile), lockKey);
        return Create(key,
            File.ReadAllText(Path.Combine(directory, CertificateFile)),
            File.ReadAllText(Path.Combine(directory, RootCertificateFile)));
    }

    /// <summary>Writes the root and node certificates (0644) and the key (0600, sealed when <paramref name="lockKey"/> is given).</summary>
    public void Save(string directory, UnlockKey? lockKey = null)
    {
        using var key = Certificate.GetECDsaPrivateKey()!;
        AtomicFile.WriteAllText(Path.Combine(directory, RootCertificateFile), RootPem, AtomicFile.WorldReadable);
        PrivateKeyFile.Write(Path.Combine(directory, KeyFile), key, lockKey);
        AtomicFile.WriteAllText(Path.Combine(directory, CertificateFile), Certificate.ExportCertificatePem(), AtomicFile.WorldReadable);
    }

    /// <summary>What <c>docker node inspect</c> shows as the node's TLSInfo.</summary>
    public TlsInfo ToTlsInfo() => new(
        RootPem,
        Convert.ToBase64String(Root.SubjectName.RawData),
        Convert.ToBase64String(Root.PublicKey.ExportSubjectPublicKeyInfo()));

    public void Dispose()
    {
        Certificate.Dispose();
        Root.Dispose();
    }

    private static NodeCredentials Create(ECDsa key, string certificatePem, string rootPem)
    {
        var root = X509Certificate2.CreateFromPem(rootPem);
        try
        {
            using var issued = X509Certificate2.CreateFromPem(certificatePem);
            var identity = NodeIdentity.FromCertificate(issued)
                ?? throw new CryptographicException($"'{issued.Subject}' is not a swarm node certificate");
            if (!ChainValidator.IsIssuedBy(issued, root))
                throw new CryptographicException("the node certificate was not issued by the swarm root CA");
            return new NodeCredentials(WithPersistableKey(issued, key), root, identity);
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A PEM certificate paired with an ephemeral key is not reliably usable by SslStream on Linux; a round trip
    /// through PKCS#12 gives a certificate whose key the TLS stack can use.
    /// </summary>
    private static X509Certificate2 WithPersistableKey(X509Certificate2 certificate, ECDsa key)
    {
        using var paired = certificate.CopyWithPrivateKey(key);
        var pkcs12 = paired.Export(X509ContentType.Pkcs12);
        try
        {
            return X509CertificateLoader.LoadPkcs12(pkcs12, password: null, X509KeyStorageFlags.Exportable);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs12);
        }
    }
}
