using System.Net;
using Berth.Sdk.Networking.Namespaces;
using Berth.Sdk.Networking.Netlink;
using Berth.Sdk.Networking.Tests.Support;

namespace Berth.Sdk.Networking.Tests.Namespaces;

/// <summary>
/// The bridge-network recipe end to end, between two namespaces of the test's own (root only): a "host" namespace
/// with a bridge at 10.123.0.1/24 and one veth end on it, and a "container" namespace that gets the other end,
/// renamed eth0, at 10.123.0.2/24 with a default route via the bridge. ping proves both directions.
/// </summary>
public class ConnectivityTests
{
    private TestNamespaces? _namespaces;

    [SetUp]
    public void SetUp()
    {
        Root.Require();
        if (Ping.Command() is null) Assert.Ignore("needs nsenter and ping (or busybox)");
        _namespaces = new TestNamespaces();
    }

    [TearDown]
    public void TearDown()
    {
        _namespaces?.Dispose();
        _namespaces = null;
    }

    [Test]
    public async Task BridgeAndVeth_ContainerSideConfigured_PingsBothWays()
    {
        var (hostPath, host) = _namespaces!.CreateWithNetlink("host");
        var (containerPath, container) = _namespaces.CreateWithNetlink("container");

        var bridge = host.CreateBridge("br-test", mtu: 1450);
        host.AddAddress(bridge, IPAddress.Parse("10.123.0.1"), 24);
        host.SetUp(bridge);
        host.CreateVethPair("veth-host", "veth-peer", mtu: 1450, masterIndex: bridge);
        host.SetUp(host.GetIndex("veth-host")!.Value);
        using (var target = NetworkNamespace.Open(containerPath))
            host.MoveToNamespace(host.GetIndex("veth-peer")!.Value, target);

        var peer = container.GetIndex("veth-peer")!.Value;
        container.Rename(peer, "eth0");
        container.AddAddress(peer, IPAddress.Parse("10.123.0.2"), 24);
        container.SetUp(peer);
        container.SetUp(container.GetIndex("lo")!.Value);
        container.AddRoute(null, 0, IPAddress.Parse("10.123.0.1"), null);

        var eth0 = container.GetLink("eth0")!;
        Assert.That((eth0.Index, eth0.Mtu, eth0.IsUp), Is.EqualTo((peer, 1450, true)));
        Assert.That(container.GetRoutesV4(), Does.Contain(new RouteInfo(IPAddress.Any, 0, IPAddress.Parse("10.123.0.1"), peer)));
        Assert.That(host.GetLink("veth-host")!.MasterIndex, Is.EqualTo(bridge));
        Assert.That(await Ping.FromNamespaceAsync(containerPath, "10.123.0.1"), Is.True, "container -> bridge");
        Assert.That(await Ping.FromNamespaceAsync(hostPath, "10.123.0.2"), Is.True, "host -> container");
    }
}
