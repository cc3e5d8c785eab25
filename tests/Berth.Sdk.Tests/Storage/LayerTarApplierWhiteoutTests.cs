using System.Runtime.Versioning;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Tests.Storage;

[SupportedOSPlatform("linux")]
public class LayerTarApplierWhiteoutTests
{
    private LayerTestDirectory dir = null!;

    [SetUp]
    public void SetUp() => dir = new LayerTestDirectory();

    [TearDown]
    public void TearDown() => dir.Dispose();

    [Test]
    public async Task ApplyAsync_OverlayWhiteout_BecomesCharDevice00OwnedPerHeader()
    {
        LayerTestDirectory.RequireRoot();
        await File.WriteAllTextAsync(dir["gone"], "was here");
        var tar = new TestTar().Directory("etc/").File("etc/.wh.passwd", uid: 12, gid: 34).File(".wh.gone").ToArray();

        await LayerApply.ApplyAsync(tar, dir.Root, WhiteoutFormat.Overlay);

        var whiteout = Posix.LStat(dir["etc/passwd"]);
        Assert.Multiple(() =>
        {
            Assert.That(whiteout.IsCharacterDevice && whiteout.RDevice == 0, "a 0/0 character device");
            Assert.That((whiteout.Uid, whiteout.Gid), Is.EqualTo((12u, 34u)));
            Assert.That(Posix.LStat(dir["gone"]).IsCharacterDevice, "replaces what was there");
            Assert.That(File.Exists(dir["etc/.wh.passwd"]), Is.False);
        });
    }

    [Test]
    public async Task ApplyAsync_OverlayOpaqueMarker_SetsTheOpaqueXattr()
    {
        LayerTestDirectory.RequireRoot();
        var tar = new TestTar().Directory("opt/").File("opt/.wh..wh..opq").File("opt/new", "new").ToArray();

        await LayerApply.ApplyAsync(tar, dir.Root, WhiteoutFormat.Overlay);

        Assert.Multiple(() =>
        {
            Assert.That(Posix.LGetXattr(dir["opt"], "trusted.overlay.opaque"), Is.EqualTo("y"u8.ToArray()));
            Assert.That(Directory.EnumerateFileSystemEntries(dir["opt"]).Select(Path.GetFileName), Is.EqualTo(new[] { "new" }));
        });
    }

    [Test]
    public async Task ApplyAsync_DeleteWhiteout_RemovesTheNamedTree()
    {
        Directory.CreateDirectory(dir["usr/share/doc"]);
        await File.WriteAllTextAsync(dir["usr/share/doc/readme"], "doc");
        await File.WriteAllTextAsync(dir["usr/keep"], "keep");

        await LayerApply.ApplyAsync(new TestTar().File("usr/.wh.share").File("usr/.wh.never-existed").ToArray(), dir.Root, WhiteoutFormat.Delete);

        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(dir["usr/share"]), Is.False);
            Assert.That(File.Exists(dir["usr/keep"]));
            Assert.That(File.Exists(dir["usr/.wh.share"]), Is.False);
        });
    }

    [Test]
    public async Task ApplyAsync_DeleteWhiteoutInMissingDirectory_CreatesNothing()
    {
        await LayerApply.ApplyAsync(new TestTar().File("nothing/here/.wh.x").ToArray(), dir.Root, WhiteoutFormat.Delete);

        Assert.That(Directory.EnumerateFileSystemEntries(dir.Root), Is.Empty);
    }

    [Test]
    public async Task ApplyAsync_DeleteOpaqueMarker_RemovesOnlyWhatTheTarDidNotBring()
    {
        Directory.CreateDirectory(dir["app/sub"]);
        await File.WriteAllTextAsync(dir["app/old"], "old");
        await File.WriteAllTextAsync(dir["app/sub/old"], "old");
        await File.WriteAllTextAsync(dir["outside-app"], "kept");
        var tar = new TestTar()
            .Directory("app/")
            .Directory("app/sub/")
            .File("app/sub/new", "new")
            .File("app/.wh..wh..opq")
            .File("app/late", "late")
            .ToArray();

        await LayerApply.ApplyAsync(tar, dir.Root, WhiteoutFormat.Delete);

        Assert.Multiple(() =>
        {
            Assert.That(Directory.EnumerateFileSystemEntries(dir["app"], "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(dir["app"], p)),
                Is.EquivalentTo(new[] { "sub", "sub/new", "late" }));
            Assert.That(File.Exists(dir["outside-app"]));
            Assert.That(Posix.LGetXattr(dir["app"], "trusted.overlay.opaque"), Is.Null);
        });
    }

    [Test]
    public async Task ApplyAsync_AufsMetadata_IsSkipped()
    {
        var tar = new TestTar().Directory(".wh..wh.plnk/").File(".wh..wh.plnk/123.456", "x").File("a/.wh..wh.aufs", "x").File("a/b", "b").ToArray();

        await LayerApply.ApplyAsync(tar, dir.Root, WhiteoutFormat.Overlay);

        Assert.That(Directory.EnumerateFileSystemEntries(dir.Root, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(dir.Root, p)),
            Is.EquivalentTo(new[] { "a", "a/b" }));
    }

    [TestCase(".wh..")]
    [TestCase("a/.wh...")]
    public void ApplyAsync_WhiteoutOfDotOrDotDot_IsRefused(string name)
    {
        var error = LayerApply.Refused(new TestTar().File(name).ToArray(), dir.Root, WhiteoutFormat.Delete);

        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        dir.AssertNothingOutsideRoot();
    }
}
