using System.Net.Sockets;
using Berth.Kernel.Config;
using Berth.Kernel.Listeners;

namespace Berth.Kernel.Tests.Listeners;

public class ListenerSetupTests
{
    [Test]
    public void Validate_PlainTcpOnAllInterfaces_IsRefused()
    {
        var config = new DaemonConfig { Hosts = ["tcp://0.0.0.0:2375"] };

        var ex = Assert.Throws<ConfigException>(() => ListenerSetup.Validate(config))!;

        Assert.That(ex.Message, Does.StartWith("refusing to listen on tcp://0.0.0.0:2375 without --tlsverify"));
    }

    [Test]
    public void Validate_PlainTcpOnLoopback_IsAllowed()
    {
        var config = new DaemonConfig { Hosts = ["tcp://127.0.0.1:2375", "tcp://localhost:2376"] };

        var hosts = ListenerSetup.Validate(config);

        Assert.That(hosts.Select(h => h.ToString()), Is.EqualTo(new[] { "tcp://127.0.0.1:2375", "tcp://localhost:2376" }));
    }

    [Test]
    public void Validate_TcpWithTlsVerify_IsAllowedOnAnyInterface()
    {
        var dir = Directory.CreateTempSubdirectory("berth-tls.");
        try
        {
            using var key = System.Security.Cryptography.RSA.Create(2048);
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
                "CN=test", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            var certPath = Path.Combine(dir.FullName, "cert.pem");
            var keyPath = Path.Combine(dir.FullName, "key.pem");
            File.WriteAllText(certPath, cert.ExportCertificatePem());
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
            var config = new DaemonConfig { Hosts = ["tcp://0.0.0.0:2376"], TlsVerify = true, TlsCaCert = certPath, TlsCert = certPath, TlsKey = keyPath };

            Assert.That(ListenerSetup.Validate(config), Has.Count.EqualTo(1));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public void Validate_TlsVerifyWithMissingFiles_NamesThemInAConfigError()
    {
        var config = new DaemonConfig { Hosts = ["tcp://0.0.0.0:2376"], TlsVerify = true, TlsCaCert = "/nope/ca.pem", TlsCert = "/nope/cert.pem", TlsKey = "/nope/key.pem" };

        var ex = Assert.Throws<ConfigException>(() => ListenerSetup.Validate(config))!;

        Assert.That(ex.Message, Does.Contain("/nope/cert.pem"));
    }

    [Test]
    public void Validate_UnixSocketServedByAnotherDaemon_IsRefused()
    {
        var path = Path.Combine(Path.GetTempPath(), $"berth-{Guid.NewGuid():N}.sock");
        using var other = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        other.Bind(new UnixDomainSocketEndPoint(path));
        other.Listen();
        try
        {
            var ex = Assert.Throws<ConfigException>(() => ListenerSetup.Validate(new DaemonConfig { Hosts = [$"unix://{path}"] }))!;

            Assert.That(ex.Message, Is.EqualTo($"another daemon is already listening on unix://{path}"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Validate_StaleUnixSocketFile_IsAllowed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"berth-{Guid.NewGuid():N}.sock");
        using (var gone = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            gone.Bind(new UnixDomainSocketEndPoint(path));
        }
        try
        {
            Assert.That(ListenerSetup.Validate(new DaemonConfig { Hosts = [$"unix://{path}"] }).Single().Address, Is.EqualTo(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
