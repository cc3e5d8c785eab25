using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Security;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Plugins.Tests.Swarmkit.Security;

public class ClusterRootCaTests : TempDirectoryFixture
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void Create_NewCa_IsSelfSignedP256AuthorityNamedSwarmCaForTwentyYears()
    {
        using var ca = ClusterRootCa.Create(new FakeTimeProvider(Now));

        var certificate = ca.Certificate;
        using var publicKey = certificate.GetECDsaPublicKey();
        Assert.Multiple(() =>
        {
            Assert.That(certificate.Subject, Is.EqualTo("CN=swarm-ca"));
            Assert.That(certificate.Issuer, Is.EqualTo("CN=swarm-ca"));
            Assert.That(publicKey!.ExportParameters(false).Curve.Oid.Value, Is.EqualTo(ECCurve.NamedCurves.nistP256.Oid.Value));
            Assert.That(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority, Is.True);
            Assert.That(certificate.HasPrivateKey, Is.True);
            Assert.That(certificate.NotBefore.ToUniversalTime(), Is.LessThanOrEqualTo(Now.UtcDateTime));
            Assert.That(certificate.NotAfter.ToUniversalTime(), Is.EqualTo(certificate.NotBefore.ToUniversalTime().AddYears(20)));
        });
    }

    [Test]
    public void Digest_NewCa_IsSha256OfTheDerInBase36PaddedToFifty()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);

        var hex = "0" + Convert.ToHexString(SHA256.HashData(ca.Certificate.RawData));
        var value = BigInteger.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var expected = "";
        for (; value > 0; value /= 36)
            expected = "0123456789abcdefghijklmnopqrstuvwxyz"[(int)(value % 36)] + expected;
        Assert.That(ca.Digest, Does.Match("^[0-9a-z]{50}$"));
        Assert.That(ca.Digest, Is.EqualTo(expected.PadLeft(50, '0')));
    }

    [Test]
    public void Load_AfterSave_KeepsTheCertificateTheKeyAndTheDigest()
    {
        using var created = ClusterRootCa.Create(TimeProvider.System);
        created.Save(TempDirectory);

        using var loaded = ClusterRootCa.Load(TempDirectory, TimeProvider.System);

        Assert.That(loaded.Digest, Is.EqualTo(created.Digest));
        Assert.That(loaded.Certificate.RawData, Is.EqualTo(created.Certificate.RawData));
        using var node = TestPki.Issue(loaded);
        Assert.That(node.Certificate.Issuer, Is.EqualTo("CN=swarm-ca"));
    }

    [Test]
    public void Save_Files_KeyIsOwnerOnlyAndCertificateWorldReadable()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);

        ca.Save(TempDirectory);

        Assert.That(File.GetUnixFileMode(Path.Combine(TempDirectory, ClusterRootCa.KeyFile)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.GetUnixFileMode(Path.Combine(TempDirectory, ClusterRootCa.CertificateFile)),
            Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
    }

    [Test]
    public void Save_Twice_LeavesOnlyTheTwoFiles()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);

        ca.Save(TempDirectory);
        ca.Save(TempDirectory);

        Assert.That(Directory.GetFiles(TempDirectory).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { ClusterRootCa.KeyFile, ClusterRootCa.CertificateFile }));
    }

    [Test]
    public void Save_MissingDirectory_CreatesItOwnerOnly()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        var directory = Path.Combine(TempDirectory, "certificates");

        ca.Save(directory);

        Assert.That(File.GetUnixFileMode(directory), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That(ClusterRootCa.Exists(directory), Is.True);
    }

    [Test]
    public void CertificatePem_NewCa_HoldsTheCertificateOnly()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);

        using var downloaded = X509Certificate2.CreateFromPem(ca.CertificatePem);

        Assert.That(ca.CertificatePem, Does.Not.Contain("PRIVATE KEY"));
        Assert.That(downloaded.HasPrivateKey, Is.False);
        Assert.That(CaDigest.Compute(downloaded), Is.EqualTo(ca.Digest));
    }

    [Test]
    public void Sign_Csr_IssuesNodeCertificateChainingToTheRoot()
    {
        var time = new FakeTimeProvider(Now);
        using var ca = ClusterRootCa.Create(time);
        using var key = NodeKey.Create();

        var pem = ca.Sign(key.CreateSigningRequestPem(), new NodeIdentity("node1", NodeRoles.Manager, "cluster1"));

        using var certificate = X509Certificate2.CreateFromPem(pem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Now.UtcDateTime;
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Multiple(() =>
        {
            Assert.That(chain.Build(certificate), Is.True, string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
            Assert.That(certificate.Subject, Is.EqualTo("CN=node1, OU=swarm-manager, O=cluster1"));
            Assert.That(certificate.SubjectName.EnumerateRelativeDistinguishedNames(reversed: false).Select(n => n.GetSingleElementValue()),
                Is.EqualTo(new[] { "cluster1", "swarm-manager", "node1" }));
            Assert.That(NodeIdentity.FromCertificate(certificate), Is.EqualTo(new NodeIdentity("node1", NodeRoles.Manager, "cluster1")));
            Assert.That(usages, Is.EquivalentTo(new[] { "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2" }));
            Assert.That(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority, Is.False);
            Assert.That(certificate.NotAfter.ToUniversalTime(), Is.EqualTo(Now.UtcDateTime.AddDays(90)));
        });
    }

    [Test]
    public void Sign_WorkerWithCustomValidity_SetsOuAndNotAfter()
    {
        var time = new FakeTimeProvider(Now);
        using var ca = ClusterRootCa.Create(time);
        using var key = NodeKey.Create();

        var pem = ca.Sign(key.CreateSigningRequestPem(), new NodeIdentity("node2", NodeRoles.Worker, "cluster1"), TimeSpan.FromDays(7));

        using var certificate = X509Certificate2.CreateFromPem(pem);
        Assert.That(certificate.Subject, Is.EqualTo("CN=node2, OU=swarm-worker, O=cluster1"));
        Assert.That(certificate.NotAfter.ToUniversalTime(), Is.EqualTo(Now.UtcDateTime.AddDays(7)));
    }

    [Test]
    public void Sign_CertificateKey_IsTheKeyOfTheCsr()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var key = NodeKey.Create();

        var pem = ca.Sign(key.CreateSigningRequestPem(), new NodeIdentity("node3", NodeRoles.Worker, "cluster1"));

        Assert.That(() => NodeCredentials.Create(key, pem, ca.CertificatePem).Dispose(), Throws.Nothing);
    }

    [TestCase("")]
    [TestCase("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----")]
    public void Sign_MalformedCsr_ThrowsArgumentException(string csr)
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);

        Assert.That(() => ca.Sign(csr, new NodeIdentity("node", NodeRoles.Worker, "cluster")), Throws.InstanceOf<ArgumentException>());
    }

    [Test]
    public void Sign_UnknownRole_ThrowsArgumentException()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var key = NodeKey.Create();

        Assert.That(() => ca.Sign(key.CreateSigningRequestPem(), new NodeIdentity("node", "admin", "cluster")), Throws.ArgumentException);
    }

    [Test]
    public void Load_SealedKey_NeedsTheUnlockKey()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        var unlockKey = UnlockKey.Generate();
        ca.Save(TempDirectory, unlockKey);

        Assert.That(File.ReadAllText(Path.Combine(TempDirectory, ClusterRootCa.KeyFile)), Does.Not.Contain("BEGIN PRIVATE KEY"));
        Assert.That(() => ClusterRootCa.Load(TempDirectory, TimeProvider.System), Throws.TypeOf<SwarmLockedException>());
        Assert.That(() => ClusterRootCa.Load(TempDirectory, TimeProvider.System, UnlockKey.Generate()), Throws.TypeOf<IncorrectUnlockKeyException>());
        using var loaded = ClusterRootCa.Load(TempDirectory, TimeProvider.System, unlockKey);
        Assert.That(loaded.Digest, Is.EqualTo(ca.Digest));
    }
}
