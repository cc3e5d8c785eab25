using Berth.Sdk.Networking.Netlink;
using Berth.Sdk.Networking.Tests.Support;

namespace Berth.Sdk.Networking.Tests.Netlink;

/// <summary>Bridge port settings, inside a network namespace of each test's own (root only).</summary>
public class RtNetlinkBridgePortTests
{
    private TestNamespaces? _namespaces;
    private RtNetlink _netlink = null!;

    [SetUp]
    public void SetUp()
    {
        Root.Require();
        _namespaces = new TestNamespaces();
        _netlink = _namespaces.CreateWithNetlink("ports").Netlink;
    }

    [TearDown]
    public void TearDown()
    {
        _namespaces?.Dispose();
        _namespaces = null;
    }

    [Test]
    public void SetHairpin_BridgePort_OnAndOffAccepted()
    {
        var bridge = _netlink.CreateBridge("br-test");
        _netlink.CreateVethPair("veth-port", "veth-peer", masterIndex: bridge);
        var port = _netlink.GetIndex("veth-port")!.Value;

        _netlink.SetHairpin(port, on: true);
        _netlink.SetHairpin(port, on: false);

        Assert.That(_netlink.GetLink(port)!.MasterIndex, Is.EqualTo(bridge));
    }

    [Test]
    public void SetHairpin_NotABridgePort_Refused()
    {
        _netlink.CreateVethPair("veth-alone", "veth-peer");

        var e = Assert.Throws<NetlinkException>(() => _netlink.SetHairpin(_netlink.GetIndex("veth-alone")!.Value, on: true))!;

        Assert.That(e.Message, Does.StartWith("netlink RTM_SETLINK link "));
    }
}
