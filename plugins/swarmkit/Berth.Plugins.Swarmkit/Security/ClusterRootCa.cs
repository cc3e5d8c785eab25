using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Berth.Plugins.Swarmkit.Security;

/// <summary>
/// The swarm's root certificate authority, created at <c>swarm init</c>: a self-signed ECDSA P-256 certificate
/// (CN=swarm-ca, 20 years) whose key signs every node certificate.
/// </summary>
public sealed class ClusterRootCa : IDisposable
{
    public const string CertificateFile = "swarm-root-ca.crt";
    public const string KeyFile = "swarm-root-ca.key";
    private const string SubjectName = "CN=swarm-ca";

    private readonly TimeProvider time;

    private ClusterRootCa(X509Certificate2 certificate, TimeProvider time)
    {
        Certificate = certificate;
        this.time = time;
        Digest = CaDigest.Compute(certificate);
        CertificatePem = certificate.ExportCertificatePem();
    }

    /// <summary>The root certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The fingerprint a join token carries.</summary>
    public string Digest { get; }

    /// <summary>The certificate alone, which is what a joining node downloads.</summary>
    public string CertificatePem { get; }

    public static ClusterRootCa Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(SubjectName, key, HashAlgorithmName.SHA256);
        CertificateProfiles.AddRootExtensions(request);
        var now = time.GetUtcNow();
        var notBefore = now - CertificateProfiles.Backdate;
        var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), notBefore,
            notBefore.AddYears(CertificateProfiles.RootYears), CertificateProfiles.NewSerialNumber());
        using (certificate)
            return new ClusterRootCa(certificate.CopyWithPrivateKey(key), time);
    }

    public static ClusterRootCa FromPem(string certificatePem, string keyPem, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true }
            || certificate.GetECDsaPrivateKey() is not { } key)
        {
            certificate.Dispose();
            throw new CryptographicException("the swarm root CA must be an ECDSA certificate authority");
        }
        key.Dispose();
        return new ClusterRootCa(certificate, time);
    }

    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, CertificateFile)) && File.Exists(Path.Combine(directory, KeyFile));

    /// <exception cref="SwarmLockedException">The key is sealed and no <paramref name="lockKey"/> was given.</exception>
    /// <exception cref="IncorrectUnlockKeyException">The key is sealed under another unlock key.</exception>
    public static ClusterRootCa Load(string directory, TimeProvider time, UnlockKey? lockKey = null)
    {
        var certificatePem = File.ReadAllText(Path.Combine(directory, CertificateFile));
        using var key = PrivateKeyFile.Read(Path.Combine(directory, KeyFile), lockKey);
        return FromPem(certificatePem, key.ExportPkcs8PrivateKeyPem(), time);
    }

    /// <summary>Writes the certificate (0644) and the key (0600, sealed when <paramref name="lockKey"/> is given).</summary>
    public void Save(string directory, UnlockKey? lockKey = null)
    {
        using var key = Certificate.GetECDsaPrivateKey()!;
        PrivateKeyFile.Write(Path.Combine(directory, KeyFile), key, lockKey);
        AtomicFile.WriteAllText(Path.Combine(directory, CertificateFile), CertificatePem, AtomicFile.WorldReadable);
    }

    /// <summary>
    /// Issues a node certificate for the public key of a PKCS#10 request: CN = node ID, OU = swarm-manager or
    /// swarm-worker, O = cluster ID, client and server authentication. The subject the request asks for is ignored.
    /// </summary>
    /// <returns>The certificate in PEM.</returns>
    public string Sign(string csrPem, NodeIdentity identity, TimeSpan? validity = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentException.ThrowIfNullOrWhiteSpace(identity.NodeId);
        ArgumentException.ThrowIfNullOrWhiteSpace(identity.ClusterId);
        var lifetime = validity ?? CertificateProfiles.NodeValidity;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero, nameof(validity));

        var request = new CertificateRequest(identity.ToSubject(), LoadSigningRequest(csrPem).PublicKey, HashAlgorithmName.SHA256);
        CertificateProfiles.AddNodeExtensions(request, Certificate);
        var now = time.GetUtcNow();
        var rootNotBefore = new DateTimeOffset(Certificate.NotBefore.ToUniversalTime());
        var rootNotAfter = new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
        var notBefore = Max(now - CertificateProfiles.Backdate, rootNotBefore);
        var notAfter = Min(now + lifetime, rootNotAfter);
        using var certificate = request.Create(Certificate, notBefore, notAfter, CertificateProfiles.NewSerialNumber());
        return certificate.ExportCertificatePem();
    }

    public void Dispose() => Certificate.Dispose();

    private static CertificateRequest LoadSigningRequest(string csrPem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(csrPem);
        try
        {
            return CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException("invalid certificate signing request", nameof(csrPem), e);
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
