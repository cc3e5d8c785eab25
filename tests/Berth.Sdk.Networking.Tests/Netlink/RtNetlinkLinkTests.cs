using System.Net.NetworkInformation;
using Berth.Sdk.Networking.Netlink;
using Berth.Sdk.Networking.Tests.Support;

namespace Berth.Sdk.Networking.Tests.Netlink;

/// <summary>Links made by the kernel, inside a network namespace of each test's own (root only).</summary>
public class RtNetlinkLinkTests
{
    private TestNamespaces? _namespaces;
    private RtNetlink _netlink = null!;

    [SetUp]
    public void SetUp()
    {
        Root.Require();
        _namespaces = new TestNamespaces();
        _netlink = _namespaces.CreateWithNetlink("links").Netlink;
    }

    [TearDown]
    public void TearDown()
    {
        _namespaces?.Dispose();
        _namespaces = null;
    }

    [Test]
    public void CreateBridge_NewName_ReturnsTheIndexOfADownBridge()
    {
        var index = _netlink.CreateBridge("br-test", mtu: 1400);

        var link = _netlink.GetLink("br-test");
        Assert.That(link, Is.Not.Null);
        Assert.That(link!.Index, Is.EqualTo(index));
        Assert.That(link.Kind, Is.EqualTo("bridge"));
        Assert.That(link.Mtu, Is.EqualTo(1400));
        Assert.That(link.IsUp, Is.False);
        Assert.That(link.MacAddress?.GetAddressBytes(), Has.Length.EqualTo(6));
    }

    [Test]
    public void CreateBridge_ExistingName_ThrowsEexistNamingTheRequest()
    {
        _netlink.CreateBridge("br-x");

        var e = Assert.Throws<NetlinkException>(() => _netlink.CreateBridge("br-x"))!;

        Assert.That(e.Errno, Is.EqualTo(17));
        Assert.That(e.Message, Does.StartWith("netlink RTM_NEWLINK br-x: File exists (EEXIST)"));
    }

    [Test]
    public void GetIndex_MissingLink_ReturnsNull()
    {
        Assert.That(_netlink.GetIndex("nothing-here"), Is.Null);
        Assert.That(_netlink.GetLink(9999), Is.Null);
    }

    [Test]
    public void GetLinks_FreshNamespaceWithABridge_ListsLoopbackAndTheBridge()
    {
        _netlink.CreateBridge("br-list");

        Assert.That(_netlink.GetLinks().Select(l => l.Name), Is.EquivalentTo(new[] { "lo", "br-list" }));
    }

    [Test]
    public void CreateVethPair_WithMasterAndMtu_BothEndsExistAndOnlyTheFirstIsEnslaved()
    {
        var bridge = _netlink.CreateBridge("br-v");

        _netlink.CreateVethPair("veth-a", "veth-b", mtu: 1450, masterIndex: bridge);

        var a = _netlink.GetLink("veth-a")!;
        var b = _netlink.GetLink("veth-b")!;
        Assert.That((a.Kind, a.Mtu, a.MasterIndex), Is.EqualTo(("veth", 1450, (int?)bridge)));
        Assert.That((b.Kind, b.Mtu, b.MasterIndex), Is.EqualTo(("veth", 1450, (int?)null)));
    }

    [Test]
    public void SetUp_ThenSetDown_FlagFollows()
    {
        var index = _netlink.CreateBridge("br-updown");

        _netlink.SetUp(index);
        Assert.That(_netlink.GetLink(index)!.IsUp, Is.True);
        _netlink.SetDown(index);
        Assert.That(_netlink.GetLink(index)!.IsUp, Is.False);
    }

    [Test]
    public void SetMaster_ThenRemoveMaster_MasterIndexFollows()
    {
        var bridge = _netlink.CreateBridge("br-m");
        _netlink.CreateVethPair("vm-a", "vm-b");
        var a = _netlink.GetIndex("vm-a")!.Value;

        _netlink.SetMaster(a, bridge);
        Assert.That(_netlink.GetLink(a)!.MasterIndex, Is.EqualTo(bridge));
        _netlink.RemoveMaster(a);
        Assert.That(_netlink.GetLink(a)!.MasterIndex, Is.Null);
    }

    [Test]
    public void SetMtuAndSetMacAddress_ExistingLink_AreApplied()
    {
        _netlink.CreateVethPair("vx-a", "vx-b");
        var a = _netlink.GetIndex("vx-a")!.Value;
        var mac = PhysicalAddress.Parse("02-42-0A-00-00-07");

        _netlink.SetMtu(a, 1300);
        _netlink.SetMacAddress(a, mac);

        var link = _netlink.GetLink(a)!;
        Assert.That(link.Mtu, Is.EqualTo(1300));
        Assert.That(link.MacAddress, Is.EqualTo(mac));
    }

    [Test]
    public void Rename_DownLink_TheNewNameResolvesToTheSameIndex()
    {
        _netlink.CreateVethPair("vr-a", "vr-b");
        var a = _netlink.GetIndex("vr-a")!.Value;

        _netlink.Rename(a, "eth0");

        Assert.That(_netlink.GetIndex("eth0"), Is.EqualTo(a));
        Assert.That(_netlink.GetIndex("vr-a"), Is.Null);
    }

    [Test]
    public void Rename_ToATakenName_ThrowsEexistNamingBothNames()
    {
        var index = _netlink.CreateBridge("br-one");
        _netlink.CreateBridge("br-two");

        var e = Assert.Throws<NetlinkException>(() => _netlink.Rename(index, "br-two"))!;

        Assert.That(e.ErrnoName, Is.EqualTo("EEXIST"));
        Assert.That(e.Message, Does.StartWith($"netlink RTM_NEWLINK link {index} to br-two: File exists (EEXIST)"));
    }

    [Test]
    public void DeleteLink_OneVethEnd_RemovesBothEnds()
    {
        _netlink.CreateVethPair("vd-a", "vd-b");

        _netlink.DeleteLink(_netlink.GetIndex("vd-a")!.Value);

        Assert.That(_netlink.GetIndex("vd-a"), Is.Null);
        Assert.That(_netlink.GetIndex("vd-b"), Is.Null);
    }

    [Test]
    public void MoveToNamespace_VethEnd_LeavesThisNamespaceAndAppearsInTheOther()
    {
        var (otherPath, other) = _namespaces!.CreateWithNetlink("other");
        _netlink.CreateVethPair("vn-a", "vn-b");

        using (var target = Berth.Sdk.Networking.Namespaces.NetworkNamespace.Open(otherPath))
            _netlink.MoveToNamespace(_netlink.GetIndex("vn-b")!.Value, target);

        Assert.That(_netlink.GetIndex("vn-b"), Is.Null);
        Assert.That(other.GetLink("vn-b")?.Kind, Is.EqualTo("veth"));
        Assert.That(other.GetIndex("vn-a"), Is.Null);
    }

    [Test]
    public void SetUp_MissingIndex_ThrowsEnodev()
    {
        var e = Assert.Throws<NetlinkException>(() => _netlink.SetUp(9999))!;

        Assert.That(e.ErrnoName, Is.EqualTo("ENODEV"));
        Assert.That(e.Message, Does.StartWith("netlink RTM_NEWLINK link 9999: No such device (ENODEV)"));
    }

    [Test]
    public void CreateBridge_InvalidName_ThrowsBeforeAskingTheKernel() =>
        Assert.Throws<ArgumentException>(() => _netlink.CreateBridge("a-name-too-long-for-linux"));

    [Test]
    public void Dispose_ThenCall_ThrowsObjectDisposed()
    {
        _netlink.Dispose();

        Assert.Throws<ObjectDisposedException>(() => _netlink.GetIndex("lo"));
    }
}
