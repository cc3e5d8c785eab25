using Berth.Kernel.InitLayer;

namespace Berth.Kernel.Tests.InitLayer;

public class HostsFileEditsTests
{
    [Test]
    public void Remove_MatchingRecords_DropsOnlyThoseLines()
    {
        const string content = "127.0.0.1\tlocalhost\n# note\n\n172.17.0.2\tdb 0123456789ab\n172.17.0.9\tdb 0123456789ab\n172.17.0.3\tweb\n";

        var edited = HostsFileEdits.Remove(content, [new HostsEntry("172.17.0.2", "db 0123456789ab")]);

        Assert.That(edited, Is.EqualTo("127.0.0.1\tlocalhost\n# note\n172.17.0.9\tdb 0123456789ab\n172.17.0.3\tweb\n"));
    }

    [Test]
    public void Remove_LineTheUserChanged_IsKept()
    {
        const string content = "172.17.0.2\tdb 0123456789ab mine\n";

        Assert.That(HostsFileEdits.Remove(content, [new HostsEntry("172.17.0.2", "db 0123456789ab")]), Is.EqualTo(content));
    }

    [Test]
    public void Update_HostnameAfterAddress_ChangesTheAddress()
    {
        const string content = "127.0.0.1\tlocalhost\n172.17.0.2\tdb 0123456789ab\n172.17.0.5\tdbx\n172.17.0.6\tother db\n";

        var edited = HostsFileEdits.Update(content, "db", "172.17.0.7");

        Assert.That(edited, Is.EqualTo("127.0.0.1\tlocalhost\n172.17.0.7\tdb 0123456789ab\n172.17.0.5\tdbx\n172.17.0.6\tother db\n"));
    }
}
