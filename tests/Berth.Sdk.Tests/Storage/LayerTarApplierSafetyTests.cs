using System.Runtime.Versioning;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Tests.Storage;

/// <summary>Tar-slip: every way out of the layer root is refused with a 400 naming the entry, and nothing lands outside.</summary>
[SupportedOSPlatform("linux")]
public class LayerTarApplierSafetyTests
{
    private LayerTestDirectory dir = null!;

    [SetUp]
    public void SetUp() => dir = new LayerTestDirectory();

    [TearDown]
    public void TearDown() => dir.Dispose();

    [TestCase("../x")]
    [TestCase("a/../../x")]
    [TestCase("./../x")]
    [TestCase("/etc/x")]
    public void ApplyAsync_NameEscapingTheRoot_IsRefused(string name)
    {
        var error = LayerApply.Refused(new TestTar().File("ok", "fine").File(name, "pwned").ToArray(), dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Is.EqualTo($"invalid tar entry \"{name}\": path escapes the layer root"));
        });
        dir.AssertNothingOutsideRoot();
    }

    [Test]
    public void ApplyAsync_DirectoryNameEscapingTheRoot_IsRefused()
    {
        var error = LayerApply.Refused(new TestTar().Directory("../evil/").ToArray(), dir.Root, WhiteoutFormat.Delete);

        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        dir.AssertNothingOutsideRoot();
    }

    [Test]
    public void ApplyAsync_FileThroughSymlinkedDirectory_IsRefused()
    {
        // An absolute link is legal (it resolves inside the container); writing through it is not.
        var tar = new TestTar().Symlink("escape", dir.Parent).File("escape/pwned", "pwned").ToArray();

        var error = LayerApply.Refused(tar, dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Does.StartWith("invalid tar entry \"escape/pwned\"").And.Contain("symbolic link"));
        });
        dir.AssertNothingOutsideRoot();
    }

    [Test]
    public void ApplyAsync_WhiteoutThroughSymlinkedDirectory_IsRefused()
    {
        var victim = dir.Sibling("victim");
        File.WriteAllText(Path.Combine(victim, "precious"), "keep");
        var tar = new TestTar().Symlink("escape", victim).File("escape/.wh.precious").ToArray();

        var error = LayerApply.Refused(tar, dir.Root, WhiteoutFormat.Delete);

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(File.ReadAllText(Path.Combine(victim, "precious")), Is.EqualTo("keep"));
        });
    }

    [Test]
    public void ApplyAsync_OpaqueMarkerThroughSymlinkedDirectory_IsRefused()
    {
        var victim = dir.Sibling("victim");
        File.WriteAllText(Path.Combine(victim, "precious"), "keep");
        var tar = new TestTar().Symlink("escape", victim).File("escape/.wh..wh..opq").ToArray();

        var error = LayerApply.Refused(tar, dir.Root, WhiteoutFormat.Delete);

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(File.ReadAllText(Path.Combine(victim, "precious")), Is.EqualTo("keep"));
        });
    }

    [Test]
    public void ApplyAsync_ExistingSymlinkInTheRoot_IsNotWrittenThrough()
    {
        File.CreateSymbolicLink(dir["lib"], dir.Parent);

        var error = LayerApply.Refused(new TestTar().File("lib/pwned", "pwned").ToArray(), dir.Root);

        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        dir.AssertNothingOutsideRoot();
    }

    [TestCase("../../etc/passwd")]
    [TestCase("/etc/passwd")]
    public void ApplyAsync_HardLinkOutOfTheRoot_IsRefused(string target)
    {
        var error = LayerApply.Refused(new TestTar().HardLink("passwd", target).ToArray(), dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Is.EqualTo($"invalid tar entry \"passwd\": hard link target \"{target}\" escapes the layer root"));
            Assert.That(File.Exists(dir["passwd"]), Is.False);
        });
        dir.AssertNothingOutsideRoot();
    }

    [Test]
    public void ApplyAsync_HardLinkThroughSymlink_IsRefused()
    {
        var outside = dir.Sibling("outside");
        File.WriteAllText(Path.Combine(outside, "secret"), "secret");
        var tar = new TestTar().Symlink("escape", outside).HardLink("stolen", "escape/secret").ToArray();

        var error = LayerApply.Refused(tar, dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(File.Exists(dir["stolen"]), Is.False);
        });
    }

    [Test]
    public void ApplyAsync_HardLinkToMissingTarget_IsRefused()
    {
        var error = LayerApply.Refused(new TestTar().HardLink("a", "not/there").ToArray(), dir.Root);

        Assert.That(error.Message, Does.Contain("does not exist in the layer"));
    }

    [TestCase("link", "../outside")]
    [TestCase("a/b/link", "../../../x")]
    [TestCase("a/link", "b/../../../x")]
    public void ApplyAsync_RelativeSymlinkClimbingOut_IsRefused(string name, string target)
    {
        var error = LayerApply.Refused(new TestTar().Symlink(name, target).ToArray(), dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Does.StartWith($"invalid tar entry \"{name}\"").And.Contain("escapes the layer root"));
        });
        dir.AssertNothingOutsideRoot();
    }

    [Test]
    public async Task ApplyAsync_RelativeSymlinkStayingInside_IsAccepted()
    {
        await LayerApply.ApplyAsync(new TestTar().Symlink("usr/lib/link", "../../etc/x").ToArray(), dir.Root);

        Assert.That(new FileInfo(dir["usr/lib/link"]).LinkTarget, Is.EqualTo("../../etc/x"));
    }

    [Test]
    public void ApplyAsync_DirectoryReplacedByLinkThenWrittenInto_IsRefused()
    {
        // The cache of checked directories must not outlive the directory it vouches for.
        var tar = new TestTar().Directory("d/").File("d/ok", "ok").Symlink("d", dir.Parent).File("d/pwned", "pwned").ToArray();

        var error = LayerApply.Refused(tar, dir.Root);

        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        dir.AssertNothingOutsideRoot();
    }
}
