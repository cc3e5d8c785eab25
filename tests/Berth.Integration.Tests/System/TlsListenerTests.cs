using System.Net;
using System.Net.Sockets;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.System;

[TestFixture]
public sealed class TlsListenerTests
{
    private TestCertificates certs = null!;
    private BerthdInstance daemon = null!;
    private string address = "";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        certs = await TestCertificates.CreateAsync();
        address = $"tcp://127.0.0.1:{FreePort()}";
        daemon = await BerthdInstance.StartAsync("-H", address, "--tlsverify",
            "--tlscacert", certs.CaCert, "--tlscert", certs.ServerCert, "--tlskey", certs.ServerKey);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await daemon.DisposeAsync();
        certs.Dispose();
    }

    [Test]
    public async Task DockerCli_WithClientCertificate_IsServedOverMutualTls()
    {
        var result = await Processes.RunAsync(DockerCli.Path,
            ["--tlsverify", "--tlscacert", certs.CaCert, "--tlscert", certs.ClientCert, "--tlskey", certs.ClientKey, "-H", address, "version", "--format", "{{.Server.APIVersion}}"],
            new Dictionary<string, string> { ["DOCKER_HOST"] = "" });
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout.Trim(), Is.EqualTo("1.50"));
    }

    [Test]
    public async Task DockerCli_WithoutClientCertificate_IsRejected()
    {
        var result = await Processes.RunAsync(DockerCli.Path,
            ["--tls", "--tlscacert", certs.CaCert, "-H", address, "version", "--format", "{{.Server.APIVersion}}"],
            new Dictionary<string, string> { ["DOCKER_HOST"] = "" });
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stdout.Trim(), Is.Not.EqualTo("1.50"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
