using System.Runtime.Versioning;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Tests.Storage;

[SupportedOSPlatform("linux")]
public class LayerChangesTests
{
    private LayerTestDirectory dir = null!;
    private string upper = null!;
    private string lower = null!;
    private string lowest = null!;

    [SetUp]
    public void SetUp()
    {
        LayerTestDirectory.RequireRoot(); // whiteouts are character devices, opaque markers trusted.* xattrs
        dir = new LayerTestDirectory();
        upper = dir.Sibling("upper");
        lower = dir.Sibling("lower");
        lowest = dir.Sibling("lowest");
    }

    [TearDown]
    public void TearDown() => dir?.Dispose();

    [Test]
    public void Compute_UpperOverLowers_ClassifiesAddModifyDeleteSorted()
    {
        Write(lowest, "etc/passwd", "root");
        Write(lower, "etc/hosts", "localhost");
        Write(lower, "bin/old", "old");
        Write(upper, "etc/hosts", "changed");
        Write(upper, "etc/passwd", "changed");
        Write(upper, "etc/new", "new");
        Write(upper, "srv/data", "data");
        Directory.CreateDirectory(Path.Combine(upper, "bin"));
        Whiteout(upper, "bin/old");

        var changes = LayerChanges.Compute(upper, [lower, lowest]);

        Assert.That(changes, Is.EqualTo(new[]
        {
            new FileChange("/bin", ChangeKind.Modify),
            new FileChange("/bin/old", ChangeKind.Delete),
            new FileChange("/etc", ChangeKind.Modify),
            new FileChange("/etc/hosts", ChangeKind.Modify),
            new FileChange("/etc/new", ChangeKind.Add),
            new FileChange("/etc/passwd", ChangeKind.Modify),
            new FileChange("/srv", ChangeKind.Add),
            new FileChange("/srv/data", ChangeKind.Add),
        }));
    }

    [Test]
    public void Compute_DirectoryEqualToTheLowerOne_IsNotListedButItsChildrenAre()
    {
        Write(lower, "usr/bin/tool", "v1");
        Write(upper, "usr/bin/tool", "v2");
        CopyDirectoryMetadata(Path.Combine(lower, "usr"), Path.Combine(upper, "usr"));
        CopyDirectoryMetadata(Path.Combine(lower, "usr/bin"), Path.Combine(upper, "usr/bin"));

        var changes = LayerChanges.Compute(upper, [lower]);

        Assert.That(changes, Is.EqualTo(new[] { new FileChange("/usr/bin/tool", ChangeKind.Modify) }));
    }

    [Test]
    public void Compute_OpaqueDirectoryTheLowersShow_IsADeleteWithItsChildrenAdded()
    {
        Write(lower, "opt/old", "old");
        Write(upper, "opt/new", "new");
        Posix.LSetXattr(Path.Combine(upper, "opt"), "trusted.overlay.opaque", "y"u8);
        Write(lower, "var/x", "x");
        Write(upper, "var/x", "x2");
        Posix.LSetXattr(Path.Combine(upper, "var"), "trusted.overlay.opaque", "y"u8);
        Write(upper, "fresh/y", "y");
        Posix.LSetXattr(Path.Combine(upper, "fresh"), "trusted.overlay.opaque", "y"u8);

        var changes = LayerChanges.Compute(upper, [lower]);

        Assert.That(changes, Is.EqualTo(new[]
        {
            new FileChange("/fresh", ChangeKind.Add),
            new FileChange("/fresh/y", ChangeKind.Add),
            new FileChange("/opt", ChangeKind.Delete),
            new FileChange("/opt/new", ChangeKind.Add),
            new FileChange("/var", ChangeKind.Delete),
            new FileChange("/var/x", ChangeKind.Add),
        }));
    }

    [Test]
    public void Compute_NameWhitedOutInALower_IsAnAdd()
    {
        Write(lowest, "f", "old");
        Whiteout(lower, "f");
        Write(upper, "f", "again");

        var changes = LayerChanges.Compute(upper, [lower, lowest]);

        Assert.That(changes, Is.EqualTo(new[] { new FileChange("/f", ChangeKind.Add) }));
    }

    [Test]
    public void Compute_ChildOfDirectoryHiddenByAnOpaqueLower_IsAnAdd()
    {
        Write(lowest, "d/f", "hidden");
        Write(lower, "d/g", "g");
        Posix.LSetXattr(Path.Combine(lower, "d"), "trusted.overlay.opaque", "y"u8);
        Write(upper, "d/f", "new");

        var changes = LayerChanges.Compute(upper, [lower, lowest]);

        Assert.That(changes, Does.Contain(new FileChange("/d/f", ChangeKind.Add)));
    }

    [Test]
    public void Compute_NoLowers_EverythingIsAnAdd()
    {
        Write(upper, "a/b", "b");

        var changes = LayerChanges.Compute(upper, []);

        Assert.That(changes, Is.EqualTo(new[] { new FileChange("/a", ChangeKind.Add), new FileChange("/a/b", ChangeKind.Add) }));
    }

    private static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private static void Whiteout(string root, string relative) => Posix.MkNod(Path.Combine(root, relative), 0x2000, 0);

    private static void CopyDirectoryMetadata(string from, string to)
    {
        var stat = Posix.LStat(from);
        Posix.Chmod(to, stat.Mode & 0xFFF);
        var time = DateTimeOffset.FromUnixTimeSeconds(stat.MtimeSeconds);
        Posix.SetTimesNoFollow(from, time, time);
        Posix.SetTimesNoFollow(to, time, time);
    }
}
