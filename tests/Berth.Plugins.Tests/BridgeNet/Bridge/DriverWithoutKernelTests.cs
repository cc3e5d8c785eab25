using System.Text.Json;
using Berth.Plugins.BridgeNet.Bridge;
using Berth.Plugins.Tests.BridgeNet.Bridge.Support;
using Berth.Sdk;
using Berth.Sdk.Network;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Plugins.Tests.BridgeNet.Bridge;

/// <summary>The driver's answers that need no kernel: unknown ids, port maps, a damaged state file. Netlink must not be opened.</summary>
public class DriverWithoutKernelTests
{
    private string directory = "";
    private FakeIptables iptables = null!;

    [SetUp]
    public void CreateDirectory()
    {
        directory = Directory.CreateTempSubdirectory("berth-bridge-driver-").FullName;
        iptables = new FakeIptables();
    }

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public async Task DeleteNetwork_UnknownId_NoError()
    {
        await Driver().DeleteNetworkAsync("unknown", CancellationToken.None);

        Assert.That(iptables.Calls, Is.Empty);
    }

    [Test]
    public async Task DeleteEndpoint_UnknownId_NoError() => await Driver().DeleteEndpointAsync("n", "unknown", CancellationToken.None);

    [Test]
    public async Task Leave_UnknownEndpoint_NoError() => await Driver().LeaveAsync("n", "unknown", CancellationToken.None);

    [Test]
    public async Task CreateEndpoint_UnknownNetwork_NotFound()
    {
        var request = new CreateEndpointRequest("unknown", "e1", new Dictionary<string, JsonElement>(), new EndpointInterface("10.1.0.2/24", null, null));

        var ex = await Wait.ThrowsAsync<BerthException>(() => Driver().CreateEndpointAsync(request, CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotFound));
    }

    [Test]
    public async Task CreateEndpoint_BadMac_InvalidParameter()
    {
        var request = new CreateEndpointRequest("n", "e1", new Dictionary<string, JsonElement>(), new EndpointInterface("10.1.0.2/24", null, "zz"));

        var ex = await Wait.ThrowsAsync<BerthException>(() => Driver().CreateEndpointAsync(request, CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }

    [Test]
    public async Task Join_UnknownEndpoint_NotFound()
    {
        var ex = await Wait.ThrowsAsync<BerthException>(() => Driver().JoinAsync(new JoinRequest("n", "unknown", "/run/netns/x", new Dictionary<string, JsonElement>()), CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotFound));
    }

    [Test]
    public async Task EndpointOperInfo_UnknownEndpoint_NotFound()
    {
        var ex = await Wait.ThrowsAsync<BerthException>(() => Driver().EndpointOperInfoAsync("n", "unknown", CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotFound));
    }

    [Test]
    public async Task ProgramExternalConnectivity_PortMapForUnknownEndpoint_NotFound()
    {
        var options = new Dictionary<string, JsonElement>
        {
            ["com.docker.network.portmap"] = JsonSerializer.SerializeToElement(new[] { new { Proto = 6, Port = 80, HostPort = 8080 } }),
        };

        var ex = await Wait.ThrowsAsync<BerthException>(() => Driver().ProgramExternalConnectivityAsync("n", "e", options, CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotFound));
        Assert.That(iptables.Calls, Is.Empty);
    }

    [Test]
    public async Task ProgramExternalConnectivity_UnknownProtocol_InvalidParameter()
    {
        var options = new Dictionary<string, JsonElement>
        {
            ["com.docker.network.portmap"] = JsonSerializer.SerializeToElement(new[] { new { Proto = 1, Port = 80, HostPort = 8080 } }),
        };

        var ex = await Wait.ThrowsAsync<BerthException>(() => Driver().ProgramExternalConnectivityAsync("n", "e", options, CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }

    [TestCase("[]")]
    [TestCase("null")]
    public async Task ProgramExternalConnectivity_EmptyPortMap_NoOp(string portMap)
    {
        var options = new Dictionary<string, JsonElement>
        {
            ["com.docker.network.portmap"] = JsonDocument.Parse(portMap).RootElement.Clone(),
            ["com.docker.network.endpoint.exposedports"] = JsonSerializer.SerializeToElement(new[] { new { Proto = 6, Port = 80 } }),
        };

        await Driver().ProgramExternalConnectivityAsync("n", "e", options, CancellationToken.None);
        await Driver().RevokeExternalConnectivityAsync("n", "e", CancellationToken.None);
    }

    [Test]
    public async Task GetCapabilities_Always_LocalScope() =>
        Assert.That(await Driver().GetCapabilitiesAsync(CancellationToken.None), Is.EqualTo(new NetworkCapabilities("local", "local")));

    [Test]
    public async Task AnyCall_StateFileDamaged_SystemErrorNamingTheFile()
    {
        await File.WriteAllTextAsync(Path.Combine(directory, "bridge.json"), "{ nope");

        var ex = await Wait.ThrowsAsync<BerthException>(() => Driver().DeleteNetworkAsync("n", CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.System));
        Assert.That(ex.Message, Does.Contain("bridge.json"));
    }

    private BridgeDriver Driver() => new(directory, NoNetlink, iptables, new UnusedSysctl());

    private static RtNetlink NoNetlink()
    {
        Assert.Fail("the driver opened netlink");
        throw new InvalidOperationException("unreachable");
    }

    private sealed class UnusedSysctl : ISysctl
    {
        public string Read(string name) => throw new AssertionException("the driver read " + name);

        public void Write(string name, string value) => throw new AssertionException("the driver wrote " + name);
    }
}
