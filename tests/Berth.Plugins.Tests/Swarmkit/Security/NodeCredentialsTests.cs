using System.Security.Cryptography;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Security;

namespace Berth.Plugins.Tests.Swarmkit.Security;

public class NodeCredentialsTests : TempDirectoryFixture
{
    [Test]
    public void Create_IssuedCertificate_ExposesIdentityKeyAndRoot()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);

        using var node = TestPki.Issue(ca, NodeRoles.Manager, "node1");

        Assert.That(node.Identity, Is.EqualTo(new NodeIdentity("node1", NodeRoles.Manager, TestPki.ClusterId)));
        Assert.That(node.Certificate.HasPrivateKey, Is.True);
        Assert.That(node.RootPem, Is.EqualTo(ca.CertificatePem));
    }

    [Test]
    public void Create_CertificateForAnotherKey_Throws()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var key = NodeKey.Create();
        using var otherKey = NodeKey.Create();
        var pem = ca.Sign(otherKey.CreateSigningRequestPem(), new NodeIdentity("node1", NodeRoles.Worker, TestPki.ClusterId));

        Assert.That(() => NodeCredentials.Create(key, pem, ca.CertificatePem), Throws.InstanceOf<ArgumentException>());
    }

    [Test]
    public void Create_CertificateFromAnotherCa_Throws()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var otherCa = ClusterRootCa.Create(TimeProvider.System);
        using var key = NodeKey.Create();
        var pem = otherCa.Sign(key.CreateSigningRequestPem(), new NodeIdentity("node1", NodeRoles.Worker, TestPki.ClusterId));

        Assert.That(() => NodeCredentials.Create(key, pem, ca.CertificatePem), Throws.InstanceOf<CryptographicException>());
    }

    [Test]
    public void Load_AfterSave_RestoresTheSameCertificateWithItsKey()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var node = TestPki.Issue(ca);
        node.Save(TempDirectory);

        using var loaded = NodeCredentials.Load(TempDirectory);

        Assert.That(loaded.Certificate.Thumbprint, Is.EqualTo(node.Certificate.Thumbprint));
        Assert.That(loaded.Certificate.HasPrivateKey, Is.True);
        Assert.That(loaded.Identity, Is.EqualTo(node.Identity));
        Assert.That(loaded.RootPem, Is.EqualTo(ca.CertificatePem));
    }

    [Test]
    public void Save_KeyFile_IsOwnerReadWriteOnly()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var node = TestPki.Issue(ca);

        node.Save(TempDirectory);

        Assert.That(File.GetUnixFileMode(Path.Combine(TempDirectory, NodeCredentials.KeyFile)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(NodeCredentials.Exists(TempDirectory), Is.True);
    }

    [Test]
    public void Load_SealedKeyWithoutUnlockKey_ThrowsSwarmLocked()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var node = TestPki.Issue(ca);
        node.Save(TempDirectory, UnlockKey.Generate());

        var error = Assert.Throws<SwarmLockedException>(() => NodeCredentials.Load(TempDirectory));
        Assert.That(error!.Message, Does.StartWith("Swarm is encrypted and needs to be unlocked"));
    }

    [Test]
    public void Load_SealedKeyWithWrongUnlockKey_ThrowsIncorrectUnlockKey()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var node = TestPki.Issue(ca);
        node.Save(TempDirectory, UnlockKey.Generate());

        var error = Assert.Throws<IncorrectUnlockKeyException>(() => NodeCredentials.Load(TempDirectory, UnlockKey.Generate()));
        Assert.That(error!.Message, Is.EqualTo("unlock key is incorrect"));
    }

    [Test]
    public void Load_SealedKeyWithItsUnlockKey_RestoresTheKey()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var node = TestPki.Issue(ca);
        var unlockKey = UnlockKey.Generate();
        node.Save(TempDirectory, unlockKey);

        using var loaded = NodeCredentials.Load(TempDirectory, UnlockKey.Parse(unlockKey.ToString()));

        Assert.That(loaded.Certificate.Thumbprint, Is.EqualTo(node.Certificate.Thumbprint));
        Assert.That(loaded.Certificate.HasPrivateKey, Is.True);
    }

    [Test]
    public void ToTlsInfo_Node_DescribesTheRoot()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var node = TestPki.Issue(ca);

        var info = node.ToTlsInfo();

        Assert.That(info.TrustRoot, Is.EqualTo(ca.CertificatePem));
        Assert.That(Convert.FromBase64String(info.CertIssuerSubject), Is.EqualTo(ca.Certificate.SubjectName.RawData));
        Assert.That(Convert.FromBase64String(info.CertIssuerPublicKey), Is.EqualTo(ca.Certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    [Test]
    public void FromCertificate_RootCertificate_ReturnsNull()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);

        Assert.That(NodeIdentity.FromCertificate(ca.Certificate), Is.Null);
    }
}
