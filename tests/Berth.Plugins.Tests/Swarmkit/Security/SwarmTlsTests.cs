using System.Net.Security;
using System.Security.Authentication;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Security;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Plugins.Tests.Swarmkit.Security;

public class SwarmTlsTests : TempDirectoryFixture
{
    [Test]
    public async Task MutualTls_TwoNodesOfTheSameCa_EachSeesTheOthersIdentity()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var manager = TestPki.Issue(ca, NodeRoles.Manager, "manager1");
        using var worker = TestPki.Issue(ca, NodeRoles.Worker, "worker1");

        var outcome = await Loopback.HandshakeAsync(
            new SwarmTls(manager, TimeProvider.System).ServerOptions(), new SwarmTls(worker, TimeProvider.System).ClientOptions());

        Assert.That(outcome.Succeeded, Is.True, $"{outcome.ServerError} {outcome.ClientError}");
        Assert.That(outcome.ClientSeenByServer, Is.EqualTo(worker.Identity));
        Assert.That(outcome.ServerSeenByClient, Is.EqualTo(manager.Identity));
    }

    [Test]
    public async Task MutualTls_CredentialsLoadedFromDisk_HandshakeSucceeds()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using (var issued = TestPki.Issue(ca, NodeRoles.Manager, "manager1"))
            issued.Save(Path.Combine(TempDirectory, "manager"));
        using (var issued = TestPki.Issue(ca, NodeRoles.Worker, "worker1"))
            issued.Save(Path.Combine(TempDirectory, "worker"));
        using var manager = NodeCredentials.Load(Path.Combine(TempDirectory, "manager"));
        using var worker = NodeCredentials.Load(Path.Combine(TempDirectory, "worker"));

        var outcome = await Loopback.HandshakeAsync(
            new SwarmTls(manager, TimeProvider.System).ServerOptions(), new SwarmTls(worker, TimeProvider.System).ClientOptions());

        Assert.That(outcome.Succeeded, Is.True, $"{outcome.ServerError} {outcome.ClientError}");
        Assert.That(outcome.ClientSeenByServer?.NodeId, Is.EqualTo("worker1"));
    }

    [Test]
    public async Task MutualTls_ClientCertificateFromAnotherCa_ServerRefuses()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var otherCa = ClusterRootCa.Create(TimeProvider.System);
        using var manager = TestPki.Issue(ca, NodeRoles.Manager);
        using var intruder = TestPki.Issue(otherCa, NodeRoles.Manager);

        var outcome = await Loopback.HandshakeAsync(
            new SwarmTls(manager, TimeProvider.System).ServerOptions(), TrustingAnyServer(new SwarmTls(intruder, TimeProvider.System).ClientOptions()));

        Assert.That(outcome.ServerError, Is.InstanceOf<AuthenticationException>());
        Assert.That(outcome.ClientError, Is.Not.Null);
        Assert.That(outcome.ClientSeenByServer, Is.Null);
    }

    [Test]
    public async Task MutualTls_ServerCertificateFromAnotherCa_ClientRefuses()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var otherCa = ClusterRootCa.Create(TimeProvider.System);
        using var impostor = TestPki.Issue(otherCa, NodeRoles.Manager);
        using var worker = TestPki.Issue(ca, NodeRoles.Worker);

        var impostorServer = new SwarmTls(impostor, TimeProvider.System).ServerOptions();
        impostorServer.RemoteCertificateValidationCallback = (_, _, _, _) => true;

        var outcome = await Loopback.HandshakeAsync(impostorServer, new SwarmTls(worker, TimeProvider.System).ClientOptions());

        Assert.That(outcome.ClientError, Is.InstanceOf<AuthenticationException>());
        Assert.That(outcome.ServerSeenByClient, Is.Null);
    }

    [Test]
    public async Task MutualTls_PeerOfAnotherClusterIdUnderTheSameRoot_Refused()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var manager = TestPki.Issue(ca, NodeRoles.Manager);
        using var stranger = TestPki.Issue(ca, NodeRoles.Worker, clusterId: "othercluster");

        var outcome = await Loopback.HandshakeAsync(
            new SwarmTls(manager, TimeProvider.System).ServerOptions(), new SwarmTls(stranger, TimeProvider.System).ClientOptions());

        Assert.That(outcome.ServerError, Is.InstanceOf<AuthenticationException>());
    }

    [Test]
    public async Task MutualTls_ExpiredClientCertificate_ServerRefuses()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var ca = ClusterRootCa.Create(time);
        using var manager = TestPki.Issue(ca, NodeRoles.Manager, validity: TimeSpan.FromDays(365));
        using var worker = TestPki.Issue(ca, NodeRoles.Worker, validity: TimeSpan.FromDays(1));
        time.Advance(TimeSpan.FromDays(2));

        var outcome = await Loopback.HandshakeAsync(new SwarmTls(manager, time).ServerOptions(), new SwarmTls(worker, time).ClientOptions());

        Assert.That(outcome.ServerError, Is.InstanceOf<AuthenticationException>());
    }

    [Test]
    public async Task ServerOptions_ClientWithoutCertificate_Refused()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var manager = TestPki.Issue(ca, NodeRoles.Manager);

        var outcome = await Loopback.HandshakeAsync(
            new SwarmTls(manager, TimeProvider.System).ServerOptions(), new RootCaPin(ca.Digest, TimeProvider.System).ClientOptions());

        Assert.That(outcome.ServerError, Is.InstanceOf<AuthenticationException>());
        Assert.That(outcome.ClientError, Is.Not.Null);
    }

    [Test]
    public async Task BootstrapServerOptions_ClientWithoutCertificate_Accepted()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var manager = TestPki.Issue(ca, NodeRoles.Manager, "manager1");

        var outcome = await Loopback.HandshakeAsync(
            new SwarmTls(manager, TimeProvider.System).BootstrapServerOptions(), new RootCaPin(ca.Digest, TimeProvider.System).ClientOptions());

        Assert.That(outcome.Succeeded, Is.True, $"{outcome.ServerError} {outcome.ClientError}");
        Assert.That(outcome.ClientSeenByServer, Is.Null);
        Assert.That(outcome.ServerSeenByClient?.NodeId, Is.EqualTo("manager1"));
    }

    [Test]
    public async Task BootstrapServerOptions_ClientCertificateOfTheSwarm_IdentifiesTheClient()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var manager = TestPki.Issue(ca, NodeRoles.Manager);
        using var worker = TestPki.Issue(ca, NodeRoles.Worker, "worker1");

        var outcome = await Loopback.HandshakeAsync(
            new SwarmTls(manager, TimeProvider.System).BootstrapServerOptions(), new SwarmTls(worker, TimeProvider.System).ClientOptions());

        Assert.That(outcome.Succeeded, Is.True, $"{outcome.ServerError} {outcome.ClientError}");
        Assert.That(outcome.ClientSeenByServer, Is.EqualTo(worker.Identity));
    }

    [Test]
    public async Task BootstrapServerOptions_ClientCertificateFromAnotherCa_Refused()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var otherCa = ClusterRootCa.Create(TimeProvider.System);
        using var manager = TestPki.Issue(ca, NodeRoles.Manager);
        using var intruder = TestPki.Issue(otherCa, NodeRoles.Worker);

        var outcome = await Loopback.HandshakeAsync(
            new SwarmTls(manager, TimeProvider.System).BootstrapServerOptions(), TrustingAnyServer(new SwarmTls(intruder, TimeProvider.System).ClientOptions()));

        Assert.That(outcome.ServerError, Is.InstanceOf<AuthenticationException>());
        Assert.That(outcome.ClientSeenByServer, Is.Null);
    }

    [Test]
    public void Options_Protocols_AreTls12AndTls13Only()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var node = TestPki.Issue(ca);
        var tls = new SwarmTls(node, TimeProvider.System);

        Assert.That(tls.ServerOptions().EnabledSslProtocols, Is.EqualTo(SslProtocols.Tls12 | SslProtocols.Tls13));
        Assert.That(tls.ClientOptions().EnabledSslProtocols, Is.EqualTo(SslProtocols.Tls12 | SslProtocols.Tls13));
    }

    private static SslClientAuthenticationOptions TrustingAnyServer(SslClientAuthenticationOptions options)
    {
        options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return options;
    }

    [Test]
    public async Task Present_RenewedCertificateReplacesAnExpiredOne_NewHandshakesSucceed()
    {
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-30));
        using var ca = ClusterRootCa.Create(past);
        using var expired = TestPki.Issue(ca, NodeRoles.Manager, "manager1", validity: TimeSpan.FromHours(1));
        using var worker = TestPki.Issue(ca, NodeRoles.Worker, "worker1");
        var server = new SwarmTls(expired, TimeProvider.System);
        var client = new SwarmTls(worker, TimeProvider.System);
        var before = await Loopback.HandshakeAsync(server.ServerOptions(), client.ClientOptions());
        Assert.That(before.Succeeded, Is.False, "a certificate that expired is refused");

        past.SetUtcNow(DateTimeOffset.UtcNow);
        using var renewed = TestPki.Issue(ca, NodeRoles.Manager, "manager1");
        server.Present(renewed);
        var after = await Loopback.HandshakeAsync(server.ServerOptions(), client.ClientOptions());

        Assert.That(after.Succeeded, Is.True, $"{after.ServerError} {after.ClientError}");
        Assert.That(after.ServerSeenByClient?.NodeId, Is.EqualTo("manager1"));
    }

    [Test]
    public void Present_CertificateUnderAnotherRoot_Refused()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);
        using var other = ClusterRootCa.Create(TimeProvider.System);
        using var current = TestPki.Issue(ca, NodeRoles.Worker, "worker1");
        using var foreign = TestPki.Issue(other, NodeRoles.Worker, "worker1");

        Assert.Throws<ArgumentException>(() => new SwarmTls(current, TimeProvider.System).Present(foreign));
    }
}
