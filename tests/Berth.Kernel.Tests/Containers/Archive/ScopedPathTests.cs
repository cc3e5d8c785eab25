using Berth.Kernel.Containers.Archive;

namespace Berth.Kernel.Tests.Containers.Archive;

public class ScopedPathTests
{
    private string root = "";

    [SetUp]
    public void CreateRoot()
    {
        root = Directory.CreateTempSubdirectory("berth-scoped.").FullName;
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        Directory.CreateDirectory(Path.Combine(root, "usr", "lib"));
        File.WriteAllText(Path.Combine(root, "etc", "passwd"), "root:x:0:0::/root:/bin/sh\n");
    }

    [TearDown]
    public void DeleteRoot() => Directory.Delete(root, recursive: true);

    private void Link(string at, string target) => File.CreateSymbolicLink(Path.Combine(root, at), target);

    [Test]
    public void Resolve_PlainPath_IsJoinedUnderTheRoot()
    {
        Assert.That(ScopedPath.Resolve(root, "/etc/passwd", followLast: true), Is.EqualTo(root + "/etc/passwd"));
    }

    [TestCase("")]
    [TestCase("/")]
    [TestCase(".")]
    [TestCase("/./")]
    public void Resolve_RootItself_IsTheRoot(string path)
    {
        Assert.That(ScopedPath.Resolve(root, path, followLast: true), Is.EqualTo(root));
    }

    [Test]
    public void Resolve_MissingComponents_AreStillJoined()
    {
        Assert.That(ScopedPath.Resolve(root, "/nope/deeper/file", followLast: true), Is.EqualTo(root + "/nope/deeper/file"));
    }

    [Test]
    public void Resolve_RelativePath_IsTakenFromTheRoot()
    {
        Assert.That(ScopedPath.Resolve(root, "etc//passwd", followLast: true), Is.EqualTo(root + "/etc/passwd"));
    }

    [TestCase("/../../../etc/passwd")]
    [TestCase("../etc/passwd")]
    [TestCase("/usr/../../../etc/passwd")]
    [TestCase("/usr/lib/../../etc/./passwd")]
    public void Resolve_DotDot_NeverClimbsAboveTheRoot(string path)
    {
        Assert.That(ScopedPath.Resolve(root, path, followLast: true), Is.EqualTo(root + "/etc/passwd"));
    }

    [Test]
    public void Resolve_TrailingSlashOnTheRoot_IsNotDoubled()
    {
        Assert.That(ScopedPath.Resolve(root + "/", "/etc", followLast: true), Is.EqualTo(root + "/etc"));
    }

    [Test]
    public void Resolve_AbsoluteSymlink_IsTakenRelativeToTheRoot()
    {
        Link("hostetc", "/etc");

        Assert.That(ScopedPath.Resolve(root, "/hostetc/passwd", followLast: true), Is.EqualTo(root + "/etc/passwd"));
    }

    [Test]
    public void Resolve_RelativeSymlink_IsTakenFromTheLinksDirectory()
    {
        Link("usr/lib/os-release", "../../etc/passwd");

        Assert.That(ScopedPath.Resolve(root, "/usr/lib/os-release", followLast: true), Is.EqualTo(root + "/etc/passwd"));
    }

    [Test]
    public void Resolve_SymlinkClimbingOut_StaysInsideTheRoot()
    {
        Link("escape", "../../../../../../etc");

        Assert.That(ScopedPath.Resolve(root, "/escape/passwd", followLast: true), Is.EqualTo(root + "/etc/passwd"));
    }

    [Test]
    public void Resolve_ChainOfSymlinks_IsFollowedToTheEnd()
    {
        Link("a", "b");
        Link("b", "/c");
        Link("c", "etc");

        Assert.That(ScopedPath.Resolve(root, "/a/passwd", followLast: true), Is.EqualTo(root + "/etc/passwd"));
    }

    [Test]
    public void Resolve_LastComponentSymlinkNotFollowed_IsTheLinkItself()
    {
        Link("usr/passwd", "/etc/passwd");

        Assert.Multiple(() =>
        {
            Assert.That(ScopedPath.Resolve(root, "/usr/passwd", followLast: false), Is.EqualTo(root + "/usr/passwd"));
            Assert.That(ScopedPath.Resolve(root, "/usr/passwd", followLast: true), Is.EqualTo(root + "/etc/passwd"));
        });
    }

    [Test]
    public void Resolve_SymlinkInTheMiddle_IsFollowedEvenWhenTheLastIsNot()
    {
        Link("conf", "etc");

        Assert.That(ScopedPath.Resolve(root, "/conf/passwd", followLast: false), Is.EqualTo(root + "/etc/passwd"));
    }

    [Test]
    public void Resolve_DanglingSymlink_ResolvesToWhereItWouldPoint()
    {
        Link("later", "/var/lib/later");

        Assert.That(ScopedPath.Resolve(root, "/later", followLast: true), Is.EqualTo(root + "/var/lib/later"));
    }

    [Test]
    public void Resolve_SymlinkLoop_ThrowsTooManyLevels()
    {
        Link("ping", "pong");
        Link("pong", "/ping");

        var error = Assert.Throws<IOException>(() => ScopedPath.Resolve(root, "/ping/x", followLast: true))!;

        Assert.That(error.Message, Is.EqualTo("too many levels of symbolic links in /ping/x"));
    }

    [Test]
    public void Resolve_SelfLoopNotFollowedAtTheEnd_IsReturnedAsIs()
    {
        Link("self", "self");

        Assert.That(ScopedPath.Resolve(root, "/self", followLast: false), Is.EqualTo(root + "/self"));
    }

    [Test]
    public void Resolve_EmptyRoot_Throws()
    {
        Assert.Throws<ArgumentException>(() => ScopedPath.Resolve("", "/etc", followLast: true));
    }
}
