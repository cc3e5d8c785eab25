using System.Net;
using System.Net.Sockets;
using Berth.Sdk.Networking.Netlink;
using Berth.Sdk.Networking.Tests.Support;

namespace Berth.Sdk.Networking.Tests.Netlink;

/// <summary>
/// Main-table routes, inside a network namespace of each test's own (root only), over a veth pair whose ends are
/// both up there (so it has carrier) and whose first end holds 10.66.0.1/24.
/// </summary>
public class RtNetlinkRouteTests
{
    private static readonly IPAddress Gateway = IPAddress.Parse("10.66.0.2");
    private TestNamespaces? _namespaces;
    private RtNetlink _netlink = null!;
    private int _link;

    [SetUp]
    public void SetUp()
    {
        Root.Require();
        _namespaces = new TestNamespaces();
        _netlink = _namespaces.CreateWithNetlink("routes").Netlink;
        _netlink.CreateVethPair("vr-a", "vr-b");
        _link = _netlink.GetIndex("vr-a")!.Value;
        _netlink.SetUp(_netlink.GetIndex("vr-b")!.Value);
        _netlink.SetUp(_link);
        _netlink.AddAddress(_link, IPAddress.Parse("10.66.0.1"), 24);
    }

    [TearDown]
    public void TearDown()
    {
        _namespaces?.Dispose();
        _namespaces = null;
    }

    [Test]
    public void GetRoutesV4_AddressOnAnUpLink_ListsTheConnectedSubnet()
    {
        Assert.That(_netlink.GetRoutesV4(), Does.Contain(new RouteInfo(IPAddress.Parse("10.66.0.0"), 24, null, _link)));
    }

    [Test]
    public void AddRoute_ViaGateway_IsListed()
    {
        _netlink.AddRoute(IPAddress.Parse("10.99.0.0"), 16, Gateway, null);

        Assert.That(_netlink.GetRoutesV4(), Does.Contain(new RouteInfo(IPAddress.Parse("10.99.0.0"), 16, Gateway, _link)));
    }

    [Test]
    public void AddRoute_OnLinkWithoutGateway_IsListed()
    {
        _netlink.AddRoute(IPAddress.Parse("10.98.0.0"), 24, null, _link);

        Assert.That(_netlink.GetRoutesV4(), Does.Contain(new RouteInfo(IPAddress.Parse("10.98.0.0"), 24, null, _link)));
    }

    [Test]
    public void AddRoute_Default_IsListedAsTheDefaultRoute()
    {
        _netlink.AddRoute(null, 0, Gateway, _link);

        var defaults = _netlink.GetRoutesV4().Where(r => r.IsDefault).ToList();
        Assert.That(defaults, Is.EqualTo(new[] { new RouteInfo(IPAddress.Any, 0, Gateway, _link) }));
    }

    [Test]
    public void AddRoute_Twice_ThrowsEexist()
    {
        _netlink.AddRoute(IPAddress.Parse("10.99.0.0"), 16, Gateway, null);

        var e = Assert.Throws<NetlinkException>(() => _netlink.AddRoute(IPAddress.Parse("10.99.0.0"), 16, Gateway, null))!;

        Assert.That(e.ErrnoName, Is.EqualTo("EEXIST"));
        Assert.That(e.Message, Does.StartWith("netlink RTM_NEWROUTE 10.99.0.0/16 via 10.66.0.2: File exists (EEXIST)"));
    }

    [Test]
    public void AddRoute_GatewayOffEverySubnet_ThrowsEnetunreach()
    {
        var e = Assert.Throws<NetlinkException>(() => _netlink.AddRoute(IPAddress.Parse("10.99.0.0"), 16, IPAddress.Parse("192.0.2.1"), null))!;

        Assert.That(e.ErrnoName, Is.EqualTo("ENETUNREACH"));
        Assert.That(e.KernelMessage, Is.Not.Null.And.Not.Empty, "the extended ack's text (\"Nexthop has invalid gateway\")");
        Assert.That(e.Message, Does.EndWith($": {e.KernelMessage}"));
    }

    [Test]
    public void DeleteRoute_Existing_IsNoLongerListed()
    {
        _netlink.AddRoute(IPAddress.Parse("10.99.0.0"), 16, Gateway, null);

        _netlink.DeleteRoute(IPAddress.Parse("10.99.0.0"), 16, Gateway, null);

        Assert.That(_netlink.GetRoutesV4().Select(r => r.Destination), Does.Not.Contain(IPAddress.Parse("10.99.0.0")));
    }

    [Test]
    public void DeleteRoute_Missing_ThrowsEsrch()
    {
        var e = Assert.Throws<NetlinkException>(() => _netlink.DeleteRoute(IPAddress.Parse("10.97.0.0"), 16, null, _link))!;

        Assert.That(e.ErrnoName, Is.EqualTo("ESRCH"));
    }

    [Test]
    public void GetRoutes_Ipv6_ListsAnIpv6RouteAddedViaTheLink()
    {
        _netlink.AddRoute(IPAddress.Parse("fd66:1::"), 64, null, _link);

        Assert.That(_netlink.GetRoutes(AddressFamily.InterNetworkV6), Does.Contain(new RouteInfo(IPAddress.Parse("fd66:1::"), 64, null, _link)));
    }
}
