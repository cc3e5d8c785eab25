using System.Formats.Tar;
using System.Runtime.Versioning;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Tests.Storage;

[SupportedOSPlatform("linux")]
public class CopyLayersTests
{
    private LayerTestDirectory dir = null!;
    private string parent = null!;
    private string layer = null!;

    [SetUp]
    public void SetUp()
    {
        LayerTestDirectory.RequireRoot(); // owners, device nodes
        dir = new LayerTestDirectory();
        parent = dir.Sibling("parent");
        layer = dir.Sibling("layer");
    }

    [TearDown]
    public void TearDown() => dir?.Dispose();

    [Test]
    public async Task CopyTreeAsync_TreeWithLinksDevicesOwners_CopiesEverything()
    {
        await LayerApply.ApplyAsync(new TestTar()
            .Directory("etc/", mode: 0x1C0, uid: 7, gid: 8)
            .File("etc/hosts", "localhost", uid: 1000, gid: 1000)
            .HardLink("etc/hosts2", "etc/hosts")
            .Symlink("etc/link", "hosts")
            .Device(TarEntryType.CharacterDevice, "dev-null", 1, 3)
            .Fifo("pipe")
            .ToArray(), parent, WhiteoutFormat.Delete);
        File.SetUnixFileMode(parent, (UnixFileMode)0x1E8); // 0750
        Posix.LChown(parent, 5, 6);

        await CopyLayers.CopyTreeAsync(parent, layer, CancellationToken.None);

        Assert.That(TreeSnapshot.Of(layer), Is.EqualTo(TreeSnapshot.Of(parent)));
        var root = Posix.LStat(layer);
        Assert.That((root.Mode & 0xFFF, root.Uid, root.Gid), Is.EqualTo((0x1E8u, 5u, 6u)), "the copy's root is owned and moded like the source");
    }

    [Test]
    public async Task Changes_CopyThenWrites_ListsAddModifyDeleteAndTheirDirectories()
    {
        Write(parent, "etc/hosts", "localhost");
        Write(parent, "etc/gone", "x");
        Write(parent, "usr/bin/tool", "v1");
        Write(parent, "var/old/file", "old");
        await CopyLayers.CopyTreeAsync(parent, layer, CancellationToken.None);
        await File.AppendAllTextAsync(Path.Combine(layer, "etc/hosts"), " more");
        File.Delete(Path.Combine(layer, "etc/gone"));
        Write(layer, "srv/data", "new");
        Directory.Delete(Path.Combine(layer, "var/old"), recursive: true);

        var changes = CopyLayers.Changes(layer, parent);

        Assert.That(changes, Is.EqualTo(new[]
        {
            new FileChange("/etc", ChangeKind.Modify),
            new FileChange("/etc/gone", ChangeKind.Delete),
            new FileChange("/etc/hosts", ChangeKind.Modify),
            new FileChange("/srv", ChangeKind.Add),
            new FileChange("/srv/data", ChangeKind.Add),
            new FileChange("/var", ChangeKind.Modify),
            new FileChange("/var/old", ChangeKind.Delete),
        }), "untouched /usr is not listed; a deleted directory is one Delete");
    }

    [Test]
    public async Task Changes_OwnerOrModeChangedOnly_IsModify()
    {
        Write(parent, "a", "same");
        Write(parent, "b", "same");
        await CopyLayers.CopyTreeAsync(parent, layer, CancellationToken.None);
        Posix.LChown(Path.Combine(layer, "a"), 1, 1);
        File.SetUnixFileMode(Path.Combine(layer, "b"), UnixFileMode.UserRead);

        Assert.That(CopyLayers.Changes(layer, parent), Is.EqualTo(new[] { new FileChange("/a", ChangeKind.Modify), new FileChange("/b", ChangeKind.Modify) }));
    }

    [Test]
    public async Task DiffSize_AddedFileSymlinkAndModifiedFile_CountsTheirBytes()
    {
        Write(parent, "old", "unchanged");
        await CopyLayers.CopyTreeAsync(parent, layer, CancellationToken.None);
        Write(layer, "new", "12345");
        File.CreateSymbolicLink(Path.Combine(layer, "link"), "new");
        await File.WriteAllTextAsync(Path.Combine(layer, "old"), "unchanged, then changed");

        var size = CopyLayers.DiffSize(layer, parent);

        Assert.That(size, Is.EqualTo(5 + "new".Length + "unchanged, then changed".Length), "the new file, the link's target text, the modified file");
    }

    [Test]
    public void Changes_NoParent_EverythingIsAdded()
    {
        Write(layer, "d/f", "x");

        Assert.That(CopyLayers.Changes(layer, null), Is.EqualTo(new[] { new FileChange("/d", ChangeKind.Add), new FileChange("/d/f", ChangeKind.Add) }));
    }

    [Test]
    public async Task WriteDiffAsync_AppliedOnACopyOfTheParent_ReproducesTheLayer()
    {
        Write(parent, "etc/hosts", "localhost");
        Write(parent, "etc/gone", "x");
        Write(parent, "var/old/file", "old");
        Write(parent, "was-a-file", "file");
        await CopyLayers.CopyTreeAsync(parent, layer, CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(layer, "etc/hosts"), "changed");
        File.Delete(Path.Combine(layer, "etc/gone"));
        Directory.Delete(Path.Combine(layer, "var/old"), recursive: true);
        File.Delete(Path.Combine(layer, "was-a-file"));
        Write(layer, "was-a-file/now-a-directory", "y");
        File.CreateSymbolicLink(Path.Combine(layer, "etc/link"), "hosts");
        var copy = dir.Sibling("copy");
        await CopyLayers.CopyTreeAsync(parent, copy, CancellationToken.None);
        using var tar = new MemoryStream();

        var written = await CopyLayers.WriteDiffAsync(layer, CopyLayers.Changes(layer, parent), tar, CancellationToken.None);
        tar.Position = 0;
        var applied = await LayerTarApplier.ApplyAsync(tar, copy, WhiteoutFormat.Delete, CancellationToken.None);

        Assert.That(applied, Is.EqualTo(written), "what was written is what was applied");
        Assert.That(TreeSnapshot.Of(copy), Is.EqualTo(TreeSnapshot.Of(layer)));
    }

    [Test]
    public async Task WriteDiffAsync_Deletion_IsAWhiteoutEntryBesideIt()
    {
        Write(parent, "etc/gone", "x");
        await CopyLayers.CopyTreeAsync(parent, layer, CancellationToken.None);
        File.Delete(Path.Combine(layer, "etc/gone"));
        using var tar = new MemoryStream();

        await CopyLayers.WriteDiffAsync(layer, CopyLayers.Changes(layer, parent), tar, CancellationToken.None);

        tar.Position = 0;
        var names = new List<string>();
        await using (var reader = new TarReader(tar))
        {
            while (await reader.GetNextEntryAsync() is { } entry) names.Add(entry.Name);
        }
        Assert.That(names, Is.EqualTo(new[] { "etc/", "etc/.wh.gone" }));
    }

    [Test]
    public void WriteDiffAsync_ChangeClimbingOut_ThrowsInvalidParameter()
    {
        var error = Assert.ThrowsAsync<BerthException>(() =>
            CopyLayers.WriteDiffAsync(layer, [new FileChange("/../etc/passwd", ChangeKind.Add)], Stream.Null, CancellationToken.None));
        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }

    private static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
