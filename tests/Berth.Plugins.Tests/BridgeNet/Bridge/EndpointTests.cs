using Berth.Plugins.BridgeNet.Bridge;
using Berth.Plugins.Tests.BridgeNet.Bridge.Support;
using Berth.Sdk;
using Berth.Sdk.Network;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Plugins.Tests.BridgeNet.Bridge;

/// <summary>CreateEndpoint, Join, EndpointOperInfo and DeleteEndpoint inside a test namespace.</summary>
public class EndpointTests : NamespaceFixture
{
    [Test]
    public async Task CreateEndpoint_NewEndpoint_VethPairOnBridgeWithMobysMac()
    {
        var (driver, network) = await NetworkAsync(mtu: "1450");
        var endpoint = NewId();

        var answer = await driver.CreateEndpointAsync(EndpointRequest(network, endpoint), CancellationToken.None);

        Assert.That(answer, Is.EqualTo(new EndpointInterface(null, null, "02:42:0a:4d:00:02")));
        var bridge = Host.GetLink("br-" + network[..12])!;
        var hostEnd = Veths().Single(l => l.MasterIndex == bridge.Index);
        Assert.That(hostEnd.Name, Does.Match("^veth[0-9a-f]{7}$"));
        Assert.That((hostEnd.IsUp, hostEnd.Mtu), Is.EqualTo((true, 1450)));
        var join = await driver.JoinAsync(JoinRequest(network, endpoint), CancellationToken.None);
        var containerEnd = Host.GetLink(join.InterfaceName.SrcName)!;
        Assert.That((containerEnd.MacAddress?.ToString(), containerEnd.Mtu, containerEnd.MasterIndex), Is.EqualTo(("02420A4D0002", 1450, (int?)null)));
    }

    [Test]
    public async Task CreateEndpoint_MacGiven_SetAndNotReturned()
    {
        var (driver, network) = await NetworkAsync();
        var endpoint = NewId();

        var answer = await driver.CreateEndpointAsync(EndpointRequest(network, endpoint, mac: "12:34:56:78:9a:bc"), CancellationToken.None);

        Assert.That(answer, Is.EqualTo(new EndpointInterface(null, null, null)));
        var join = await driver.JoinAsync(JoinRequest(network, endpoint), CancellationToken.None);
        Assert.That(Host.GetLink(join.InterfaceName.SrcName)!.MacAddress?.ToString(), Is.EqualTo("123456789ABC"));
    }

    [Test]
    public async Task CreateEndpoint_NoAddress_RandomLocalMac()
    {
        var (driver, network) = await NetworkAsync();

        var answer = await driver.CreateEndpointAsync(EndpointRequest(network, NewId(), address: null), CancellationToken.None);

        Assert.That(answer.MacAddress, Does.Match("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$"));
        Assert.That(Convert.ToInt32(answer.MacAddress![..2], 16) & 0x03, Is.EqualTo(0x02));
    }

    [Test]
    public async Task CreateEndpoint_SameIdTwice_Conflict()
    {
        var (driver, network) = await NetworkAsync();
        var endpoint = NewId();
        await driver.CreateEndpointAsync(EndpointRequest(network, endpoint), CancellationToken.None);

        var ex = await Wait.ThrowsAsync<BerthException>(() => driver.CreateEndpointAsync(EndpointRequest(network, endpoint, address: "10.77.0.3/24"), CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Conflict));
        Assert.That(Veths(), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task CreateEndpoint_KernelRefusesMac_NothingLeftBehind()
    {
        var (driver, network) = await NetworkAsync();
        var endpoint = NewId();

        // A multicast MAC: the kernel refuses it for an Ethernet device, after the pair was made.
        var ex = await Wait.ThrowsAsync<BerthException>(() => driver.CreateEndpointAsync(EndpointRequest(network, endpoint, mac: "01:00:5e:00:00:01"), CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.System));
        Assert.That(Veths(), Is.Empty);
        var join = await Wait.ThrowsAsync<BerthException>(() => driver.JoinAsync(JoinRequest(network, endpoint), CancellationToken.None));
        Assert.That(join.Kind, Is.EqualTo(BerthErrorKind.NotFound));
    }

    [Test]
    public async Task Join_Endpoint_ContainerEndEthPrefixAndGateway()
    {
        var (driver, network) = await NetworkAsync();
        var endpoint = NewId();
        await driver.CreateEndpointAsync(EndpointRequest(network, endpoint), CancellationToken.None);

        var join = await driver.JoinAsync(JoinRequest(network, endpoint), CancellationToken.None);

        Assert.That(join.InterfaceName.SrcName, Does.Match("^vethc[0-9a-f]{7}$"));
        Assert.That(Host.GetLink(join.InterfaceName.SrcName)?.Kind, Is.EqualTo("veth"));
        Assert.That((join.InterfaceName.DstPrefix, join.Gateway, join.GatewayIPv6, join.StaticRoutes, join.DisableGatewayService),
            Is.EqualTo(("eth", "10.77.0.1", (string?)null, (IReadOnlyList<StaticRoute>?)null, false)));
    }

    [Test]
    public async Task Join_InternalNetwork_NoGateway()
    {
        var (driver, network) = await NetworkAsync(isInternal: true);
        var endpoint = NewId();
        await driver.CreateEndpointAsync(EndpointRequest(network, endpoint), CancellationToken.None);

        var join = await driver.JoinAsync(JoinRequest(network, endpoint), CancellationToken.None);

        Assert.That(join.Gateway, Is.Null);
    }

    [Test]
    public async Task EndpointOperInfo_Endpoint_MacAddress()
    {
        var (driver, network) = await NetworkAsync();
        var endpoint = NewId();
        await driver.CreateEndpointAsync(EndpointRequest(network, endpoint), CancellationToken.None);

        var info = await driver.EndpointOperInfoAsync(network, endpoint, CancellationToken.None);

        Assert.That(info.Keys, Is.EqualTo(new[] { "com.docker.network.endpoint.macaddress" }));
        Assert.That(info["com.docker.network.endpoint.macaddress"].GetString(), Is.EqualTo("02:42:0a:4d:00:02"));
    }

    [Test]
    public async Task DeleteEndpoint_Endpoint_BothEndsGone()
    {
        var (driver, network) = await NetworkAsync();
        var endpoint = NewId();
        await driver.CreateEndpointAsync(EndpointRequest(network, endpoint), CancellationToken.None);
        await driver.JoinAsync(JoinRequest(network, endpoint), CancellationToken.None);
        await driver.LeaveAsync(network, endpoint, CancellationToken.None);

        await driver.DeleteEndpointAsync(network, endpoint, CancellationToken.None);

        Assert.That(Veths(), Is.Empty);
        var ex = await Wait.ThrowsAsync<BerthException>(() => driver.EndpointOperInfoAsync(network, endpoint, CancellationToken.None));
        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotFound));
    }

    [Test]
    public async Task DeleteEndpoint_VethAlreadyGone_Forgotten()
    {
        var (driver, network) = await NetworkAsync();
        var endpoint = NewId();
        await driver.CreateEndpointAsync(EndpointRequest(network, endpoint), CancellationToken.None);
        foreach (var veth in Veths().Where(l => l.MasterIndex is not null)) Host.DeleteLink(veth.Index);

        await driver.DeleteEndpointAsync(network, endpoint, CancellationToken.None);

        Assert.That(Veths(), Is.Empty);
    }

    [Test]
    public async Task DeleteNetwork_EndpointLeftBehind_VethRemovedToo()
    {
        var (driver, network) = await NetworkAsync();
        await driver.CreateEndpointAsync(EndpointRequest(network, NewId()), CancellationToken.None);

        await driver.DeleteNetworkAsync(network, CancellationToken.None);

        Assert.That(Veths(), Is.Empty);
        Assert.That(Host.GetLink("br-" + network[..12]), Is.Null);
    }

    private async Task<(BridgeDriver Driver, string Network)> NetworkAsync(string mtu = "1500", bool isInternal = false)
    {
        var driver = NewDriver();
        var network = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(network, generic: new Dictionary<string, string> { ["com.docker.network.driver.mtu"] = mtu }, isInternal: isInternal), CancellationToken.None);
        return (driver, network);
    }

    private List<LinkInfo> Veths() => Host.GetLinks().Where(l => l.Kind == "veth").ToList();
}
