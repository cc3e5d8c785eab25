using System.Text.Json;
using Berth.Kernel.Plugins.V1;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Kernel.Tests.Plugins.V1;

public sealed class V1NetworkDriverTests : V1DriverTestBase
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoOptions = new Dictionary<string, JsonElement>();

    [Test]
    public async Task CreateNetworkAsync_Request_SendsLibnetworkFields()
    {
        var network = Driver<INetworkDriver>(V1Interfaces.NetworkDriver);
        Plugin.Reply("NetworkDriver.CreateNetwork", "{}");
        var options = new Dictionary<string, JsonElement> { ["com.docker.network.generic"] = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["a"] = "b" }) };

        await network.CreateNetworkAsync(new CreateNetworkRequest("n1", options, [new IpamData("LocalDefault", "10.9.0.0/24", "10.9.0.1/24", null)], []), CancellationToken.None);

        var sent = Sent("NetworkDriver.CreateNetwork");
        Assert.That(sent.GetProperty("NetworkID").GetString(), Is.EqualTo("n1"));
        Assert.That(sent.GetProperty("Options").GetProperty("com.docker.network.generic").GetProperty("a").GetString(), Is.EqualTo("b"));
        Assert.That(sent.GetProperty("IPv4Data")[0].GetProperty("Pool").GetString(), Is.EqualTo("10.9.0.0/24"));
        Assert.That(sent.GetProperty("IPv4Data")[0].GetProperty("Gateway").GetString(), Is.EqualTo("10.9.0.1/24"));
        Assert.That(sent.GetProperty("IPv6Data").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task CreateEndpointAsync_ReplyWithMac_ReturnsIt()
    {
        var network = Driver<INetworkDriver>(V1Interfaces.NetworkDriver);
        Plugin.Reply("NetworkDriver.CreateEndpoint", "{\"Interface\":{\"MacAddress\":\"02:42:0a:09:00:02\"}}");

        var created = await network.CreateEndpointAsync(new CreateEndpointRequest("n1", "e1", NoOptions, new EndpointInterface("10.9.0.2/24", null, null)), CancellationToken.None);

        Assert.That(created.MacAddress, Is.EqualTo("02:42:0a:09:00:02"));
        Assert.That(Sent("NetworkDriver.CreateEndpoint").GetProperty("Interface").GetProperty("Address").GetString(), Is.EqualTo("10.9.0.2/24"));
        Assert.That(Sent("NetworkDriver.CreateEndpoint").GetProperty("EndpointID").GetString(), Is.EqualTo("e1"));
    }

    [Test]
    public async Task CreateEndpointAsync_EmptyReply_ReturnsNothingFilled()
    {
        var network = Driver<INetworkDriver>(V1Interfaces.NetworkDriver);
        Plugin.Reply("NetworkDriver.CreateEndpoint", "{}");

        var created = await network.CreateEndpointAsync(new CreateEndpointRequest("n1", "e1", NoOptions, null), CancellationToken.None);

        Assert.That(created, Is.EqualTo(new EndpointInterface(null, null, null)));
    }

    [Test]
    public async Task JoinAsync_Reply_MapsInterfaceGatewayAndRoutes()
    {
        var network = Driver<INetworkDriver>(V1Interfaces.NetworkDriver);
        Plugin.Reply("NetworkDriver.Join", "{\"InterfaceName\":{\"SrcName\":\"veth1\",\"DstPrefix\":\"eth\"},\"Gateway\":\"10.9.0.1\",\"StaticRoutes\":[{\"Destination\":\"10.8.0.0/16\",\"RouteType\":1}]}");

        var join = await network.JoinAsync(new JoinRequest("n1", "e1", "/run/netns/x", NoOptions), CancellationToken.None);

        Assert.That(join.InterfaceName, Is.EqualTo(new InterfaceName("veth1", "eth")));
        Assert.That(join.Gateway, Is.EqualTo("10.9.0.1"));
        Assert.That(join.GatewayIPv6, Is.Null);
        Assert.That(join.StaticRoutes!.Single(), Is.EqualTo(new StaticRoute("10.8.0.0/16", 1, null)));
        Assert.That(Sent("NetworkDriver.Join").GetProperty("SandboxKey").GetString(), Is.EqualTo("/run/netns/x"));
    }

    [Test]
    public async Task JoinAsync_NoInterfaceName_Throws()
    {
        var network = Driver<INetworkDriver>(V1Interfaces.NetworkDriver);
        Plugin.Reply("NetworkDriver.Join", "{}");

        var ex = await Wait.ThrowsAsync<BerthException>(() => network.JoinAsync(new JoinRequest("n1", "e1", "/x", NoOptions), CancellationToken.None));

        Assert.That(ex.Message, Does.Contain("the reply names no interface"));
    }

    [Test]
    public async Task ProgramAndRevokeExternalConnectivity_NotImplemented_AreTolerated()
    {
        var network = Driver<INetworkDriver>(V1Interfaces.NetworkDriver);

        await network.ProgramExternalConnectivityAsync("n1", "e1", NoOptions, CancellationToken.None);
        await network.RevokeExternalConnectivityAsync("n1", "e1", CancellationToken.None);

        Assert.That(Plugin.Count("NetworkDriver.ProgramExternalConnectivity"), Is.EqualTo(1));
    }

    [Test]
    public async Task LeaveAsync_NotImplemented_IsAnError()
    {
        var network = Driver<INetworkDriver>(V1Interfaces.NetworkDriver);

        var ex = await Wait.ThrowsAsync<BerthException>(() => network.LeaveAsync("n1", "e1", CancellationToken.None));

        Assert.That(ex.Message, Is.EqualTo("plugin foo does not implement NetworkDriver.Leave"));
    }

    [TestCase("{\"Scope\":\"local\"}", "local", "local")]
    [TestCase("{\"Scope\":\"global\",\"ConnectivityScope\":\"local\"}", "global", "local")]
    public async Task GetCapabilitiesAsync_Reply_DefaultsConnectivityScopeToScope(string reply, string scope, string connectivity)
    {
        var network = Driver<INetworkDriver>(V1Interfaces.NetworkDriver);
        Plugin.Reply("NetworkDriver.GetCapabilities", reply);

        Assert.That(await network.GetCapabilitiesAsync(CancellationToken.None), Is.EqualTo(new NetworkCapabilities(scope, connectivity)));
    }

    [Test]
    public async Task GetCapabilitiesAsync_BadScope_Throws()
    {
        var network = Driver<INetworkDriver>(V1Interfaces.NetworkDriver);
        Plugin.Reply("NetworkDriver.GetCapabilities", "{\"Scope\":\"galaxy\"}");

        var ex = await Wait.ThrowsAsync<BerthException>(() => network.GetCapabilitiesAsync(CancellationToken.None));

        Assert.That(ex.Message, Does.Contain("expecting 'local' or 'global', got 'galaxy'"));
    }
}
