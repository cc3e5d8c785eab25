using System.Security.Cryptography.X509Certificates;
using System.Text;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Security;

namespace Berth.Plugins.Tests.Swarmkit.Security;

public class RootCaPinTests
{
    [Test]
    public async Task VerifyRoot_ServerOfThePinnedCa_ReturnsTheRoot()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var manager = TestPki.Issue(ca, NodeRoles.Manager);
        var pin = RootCaPin.For(JoinToken.Generate(ca.Digest), TimeProvider.System);
        X509Certificate2? trusted = null;

        var outcome = await Loopback.HandshakeAsync(
            new SwarmTls(manager, TimeProvider.System).BootstrapServerOptions(),
            pin.ClientOptions(),
            Encoding.UTF8.GetBytes(ca.CertificatePem),
            (stream, rootPem) => trusted = pin.VerifyRoot(Encoding.UTF8.GetString(rootPem), stream));

        using (trusted)
        {
            Assert.That(outcome.Succeeded, Is.True, $"{outcome.ServerError} {outcome.ClientError}");
            Assert.That(trusted?.RawData, Is.EqualTo(ca.Certificate.RawData));
        }
    }

    [Test]
    public void VerifyRoot_ServerOfAnotherCa_ThrowsFingerprintMismatch()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var otherCa = ClusterRootCa.Create(TimeProvider.System);
        using var impostor = TestPki.Issue(otherCa, NodeRoles.Manager);
        var pin = new RootCaPin(ca.Digest, TimeProvider.System);

        var error = Assert.ThrowsAsync<CaDigestMismatchException>(() => Loopback.HandshakeAsync(
            new SwarmTls(impostor, TimeProvider.System).BootstrapServerOptions(),
            pin.ClientOptions(),
            Encoding.UTF8.GetBytes(otherCa.CertificatePem),
            (stream, rootPem) => pin.VerifyRoot(Encoding.UTF8.GetString(rootPem), stream).Dispose()));

        Assert.That(error!.Message, Is.EqualTo($"remote CA does not match fingerprint. Expected: {ca.Digest}"));
    }

    [Test]
    public void VerifyRoot_GenuineRootReplayedByServerOfAnotherCa_ThrowsFingerprintMismatch()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var otherCa = ClusterRootCa.Create(TimeProvider.System);
        using var impostor = TestPki.Issue(otherCa, NodeRoles.Manager);
        var pin = new RootCaPin(ca.Digest, TimeProvider.System);

        Assert.ThrowsAsync<CaDigestMismatchException>(() => Loopback.HandshakeAsync(
            new SwarmTls(impostor, TimeProvider.System).BootstrapServerOptions(),
            pin.ClientOptions(),
            Encoding.UTF8.GetBytes(ca.CertificatePem),
            (stream, rootPem) => pin.VerifyRoot(Encoding.UTF8.GetString(rootPem), stream).Dispose()));
    }

    [TestCase("")]
    [TestCase("ABC")]
    public void Constructor_MalformedDigest_ThrowsArgumentException(string digest)
    {
        Assert.That(() => new RootCaPin(digest, TimeProvider.System), Throws.ArgumentException);
    }
}
