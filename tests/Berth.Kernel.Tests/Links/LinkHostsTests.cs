using Berth.Kernel.InitLayer;
using Berth.Kernel.Links;

namespace Berth.Kernel.Tests.Links;

public class LinkHostsTests
{
    private const string ChildId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Test]
    public void Entries_AliasDiffersFromName_NamesAliasHostnameAndName()
    {
        var target = new LinkTarget(ChildId, "/db", "172.17.0.2", [], []);

        Assert.That(LinkHosts.Entries(target, "database"), Is.EqualTo(new[] { new HostsEntry("172.17.0.2", "database 0123456789ab db") }));
    }

    [Test]
    public void Entries_AliasEqualsName_NameNotRepeated()
    {
        var target = new LinkTarget(ChildId, "/db", "172.17.0.2", [], [], Hostname: "dbhost");

        Assert.That(LinkHosts.Entries(target, "db"), Is.EqualTo(new[] { new HostsEntry("172.17.0.2", "db dbhost") }));
    }

    [Test]
    public void Entries_ChildWithGlobalIPv6_AddsASecondRecord()
    {
        var target = new LinkTarget(ChildId, "/db", "172.17.0.2", [], [], GlobalIPv6Address: "2001:db8::2");

        Assert.That(LinkHosts.Entries(target, "/web/db"), Is.EqualTo(new[]
        {
            new HostsEntry("172.17.0.2", "db 0123456789ab"),
            new HostsEntry("2001:db8::2", "db 0123456789ab"),
        }));
    }
}
