using Berth.Sdk.Networking.Namespaces;
using Berth.Sdk.Networking.Netlink;
using Berth.Sdk.Networking.Tests.Support;

namespace Berth.Sdk.Networking.Tests.Netlink;

/// <summary>Dumps larger than one datagram and than the read buffer, inside a namespace of the test's own (root only).</summary>
public class RtNetlinkDumpTests
{
    private TestNamespaces? _namespaces;

    [SetUp]
    public void SetUp()
    {
        Root.Require();
        _namespaces = new TestNamespaces();
    }

    [TearDown]
    public void TearDown()
    {
        _namespaces?.Dispose();
        _namespaces = null;
    }

    [Test]
    public void GetLinks_SixtyLinks_ReadsEveryPartOfTheMultipartDump()
    {
        var netlink = _namespaces!.CreateWithNetlink("many").Netlink;
        for (var i = 0; i < 30; i++) netlink.CreateVethPair($"vm{i}-a", $"vm{i}-b");

        var before = netlink.DatagramsReceived;
        var names = netlink.GetLinks().Select(l => l.Name).ToList();

        Assert.That(netlink.DatagramsReceived - before, Is.GreaterThan(1), "the dump spanned several datagrams");
        Assert.That(names, Has.Count.EqualTo(61));
        Assert.That(names, Does.Contain("vm29-b"));
    }

    [Test]
    public void GetLinks_ReadBufferSmallerThanADatagram_GrowsItAndLosesNothing()
    {
        var path = _namespaces!.Create("small-buffer");
        using var netlink = NetworkNamespace.Run(path, () => new RtNetlink(RtNetlink.DefaultReplyTimeout, 64));
        for (var i = 0; i < 5; i++) netlink.CreateVethPair($"vs{i}-a", $"vs{i}-b");

        var links = netlink.GetLinks();

        Assert.That(links, Has.Count.EqualTo(11));
        Assert.That(netlink.ReceiveBufferSize, Is.GreaterThan(64));
    }
}
