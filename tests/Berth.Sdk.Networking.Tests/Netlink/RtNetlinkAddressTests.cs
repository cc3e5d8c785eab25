using System.Net;
using Berth.Sdk.Networking.Netlink;
using Berth.Sdk.Networking.Tests.Support;

namespace Berth.Sdk.Networking.Tests.Netlink;

/// <summary>Interface addresses, inside a network namespace of each test's own (root only).</summary>
public class RtNetlinkAddressTests
{
    private TestNamespaces? _namespaces;
    private RtNetlink _netlink = null!;
    private int _bridge;

    [SetUp]
    public void SetUp()
    {
        Root.Require();
        _namespaces = new TestNamespaces();
        _netlink = _namespaces.CreateWithNetlink("addresses").Netlink;
        _bridge = _netlink.CreateBridge("br-addr");
    }

    [TearDown]
    public void TearDown()
    {
        _namespaces?.Dispose();
        _namespaces = null;
    }

    [Test]
    public void AddAddress_Ipv4_GetAddressesListsIt()
    {
        _netlink.AddAddress(_bridge, IPAddress.Parse("10.77.0.1"), 24);

        Assert.That(_netlink.GetAddresses(_bridge), Does.Contain(new InterfaceAddress(IPAddress.Parse("10.77.0.1"), 24)));
    }

    [Test]
    public void AddAddress_Ipv6_GetAddressesListsIt()
    {
        _netlink.AddAddress(_bridge, IPAddress.Parse("fd77::1"), 64);

        Assert.That(_netlink.GetAddresses(_bridge), Does.Contain(new InterfaceAddress(IPAddress.Parse("fd77::1"), 64)));
    }

    [Test]
    public void AddAddress_SameAddressTwice_ThrowsEexist()
    {
        _netlink.AddAddress(_bridge, IPAddress.Parse("10.77.0.1"), 24);

        var e = Assert.Throws<NetlinkException>(() => _netlink.AddAddress(_bridge, IPAddress.Parse("10.77.0.1"), 24))!;

        Assert.That(e.ErrnoName, Is.EqualTo("EEXIST"));
        Assert.That(e.Message, Does.StartWith($"netlink RTM_NEWADDR 10.77.0.1/24 dev {_bridge}: File exists (EEXIST)"));
    }

    [Test]
    public void DeleteAddress_Existing_RemovesOnlyThatAddress()
    {
        _netlink.AddAddress(_bridge, IPAddress.Parse("10.77.0.1"), 24);
        _netlink.AddAddress(_bridge, IPAddress.Parse("10.78.0.1"), 16);

        _netlink.DeleteAddress(_bridge, IPAddress.Parse("10.77.0.1"), 24);

        Assert.That(_netlink.GetAddresses(_bridge), Is.EqualTo(new[] { new InterfaceAddress(IPAddress.Parse("10.78.0.1"), 16) }));
    }

    [Test]
    public void DeleteAddress_Missing_ThrowsEaddrnotavail()
    {
        var e = Assert.Throws<NetlinkException>(() => _netlink.DeleteAddress(_bridge, IPAddress.Parse("10.77.0.9"), 24))!;

        Assert.That(e.ErrnoName, Is.EqualTo("EADDRNOTAVAIL"));
    }

    [Test]
    public void GetAddresses_TwoLinks_ListsOnlyTheAskedLinksAddresses()
    {
        var other = _netlink.CreateBridge("br-other");
        _netlink.AddAddress(_bridge, IPAddress.Parse("10.77.0.1"), 24);
        _netlink.AddAddress(other, IPAddress.Parse("10.88.0.1"), 24);

        Assert.That(_netlink.GetAddresses(other), Is.EqualTo(new[] { new InterfaceAddress(IPAddress.Parse("10.88.0.1"), 24) }));
    }

    [Test]
    public void GetAddresses_LinkWithoutAddresses_IsEmpty() => Assert.That(_netlink.GetAddresses(_bridge), Is.Empty);
}
