using System.Formats.Tar;
using System.Runtime.Versioning;
using System.Text;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Tests.Storage;

[SupportedOSPlatform("linux")]
public class LayerTarApplierEntryTests
{
    private LayerTestDirectory dir = null!;

    [SetUp]
    public void SetUp() => dir = new LayerTestDirectory();

    [TearDown]
    public void TearDown() => dir.Dispose();

    [Test]
    public async Task ApplyAsync_RegularFile_WritesContentOwnerModeMtimeAndXattr()
    {
        LayerTestDirectory.RequireRoot();
        var time = DateTimeOffset.FromUnixTimeSeconds(1_500_000_000).AddTicks(1234500);
        var tar = new TestTar()
            .Directory("etc/", uid: 0)
            .File("etc/app.conf", "hello", mode: 0x1E0 /* 0740 */, uid: 1000, gid: 1001, time: time,
                pax: new() { ["SCHILY.xattr.user.origin"] = "layer" })
            .ToArray();

        await LayerApply.ApplyAsync(tar, dir.Root);

        var path = dir["etc/app.conf"];
        var stat = Posix.LStat(path);
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(path), Is.EqualTo("hello"));
            Assert.That(stat.Mode & 0xFFF, Is.EqualTo(0x1E0u));
            Assert.That((stat.Uid, stat.Gid), Is.EqualTo((1000u, 1001u)));
            Assert.That(stat.MtimeSeconds, Is.EqualTo(1_500_000_000));
            Assert.That(stat.MtimeNanos, Is.EqualTo(123_450_000));
            Assert.That(Posix.LGetXattr(path, "user.origin"), Is.EqualTo("layer"u8.ToArray()));
        });
    }

    [Test]
    public async Task ApplyAsync_SetuidSetgidSticky_AreKeptAfterChown()
    {
        LayerTestDirectory.RequireRoot();
        var tar = new TestTar()
            .File("su", "x", mode: 0xDED /* 06755 */, uid: 1000, gid: 1000)
            .Directory("tmp/", mode: 0x3FF /* 01777 */)
            .ToArray();

        await LayerApply.ApplyAsync(tar, dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(Posix.LStat(dir["su"]).Mode & 0xFFF, Is.EqualTo(0xDEDu));
            Assert.That(Posix.LStat(dir["tmp"]).Mode & 0xFFF, Is.EqualTo(0x3FFu));
        });
    }

    [Test]
    public async Task ApplyAsync_Directory_GetsOwnerModeAndMtimeAfterItsChildren()
    {
        LayerTestDirectory.RequireRoot();
        var tar = new TestTar()
            .Directory("var/", mode: 0x1C0 /* 0700 */, uid: 5, gid: 6, time: DateTimeOffset.FromUnixTimeSeconds(1000))
            .File("var/a", "a")
            .Directory("var/lib/")
            .ToArray();

        await LayerApply.ApplyAsync(tar, dir.Root);

        var stat = Posix.LStat(dir["var"]);
        Assert.Multiple(() =>
        {
            Assert.That(stat.IsDirectory);
            Assert.That(stat.Mode & 0xFFF, Is.EqualTo(0x1C0u));
            Assert.That((stat.Uid, stat.Gid), Is.EqualTo((5u, 6u)));
            Assert.That(stat.MtimeSeconds, Is.EqualTo(1000), "set after var/a and var/lib were written into it");
        });
    }

    [Test]
    public async Task ApplyAsync_MissingParents_AreCreated()
    {
        await LayerApply.ApplyAsync(new TestTar().File("a/b/c.txt", "deep").ToArray(), dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(dir["a/b/c.txt"]), Is.EqualTo("deep"));
            Assert.That(Posix.LStat(dir["a/b"]).Mode & 0x1FF, Is.EqualTo(0x1EDu));
        });
    }

    [Test]
    public async Task ApplyAsync_Symlink_KeepsAbsoluteTargetVerbatimWithOwnerAndTime()
    {
        LayerTestDirectory.RequireRoot();
        var tar = new TestTar()
            .Symlink("bin/sh", "/bin/busybox", uid: 7, gid: 8, time: DateTimeOffset.FromUnixTimeSeconds(2000))
            .Symlink("bin/ls", "busybox")
            .ToArray();

        await LayerApply.ApplyAsync(tar, dir.Root);

        var stat = Posix.LStat(dir["bin/sh"]);
        Assert.Multiple(() =>
        {
            Assert.That(new FileInfo(dir["bin/sh"]).LinkTarget, Is.EqualTo("/bin/busybox"));
            Assert.That(new FileInfo(dir["bin/ls"]).LinkTarget, Is.EqualTo("busybox"));
            Assert.That(stat.IsSymbolicLink);
            Assert.That((stat.Uid, stat.Gid), Is.EqualTo((7u, 8u)));
            Assert.That(stat.MtimeSeconds, Is.EqualTo(2000));
        });
    }

    [Test]
    public async Task ApplyAsync_HardLink_SharesTheInodeOfItsTarget()
    {
        var tar = new TestTar().File("bin/busybox", "elf").HardLink("bin/sh", "./bin/busybox").ToArray();

        await LayerApply.ApplyAsync(tar, dir.Root);

        var first = Posix.LStat(dir["bin/busybox"]);
        var second = Posix.LStat(dir["bin/sh"]);
        Assert.Multiple(() =>
        {
            Assert.That(second.Inode, Is.EqualTo(first.Inode));
            Assert.That(first.LinkCount, Is.EqualTo(2UL));
            Assert.That(File.ReadAllText(dir["bin/sh"]), Is.EqualTo("elf"));
        });
    }

    [Test]
    public async Task ApplyAsync_DevicesAndFifo_AreMadeWithTheirNumbers()
    {
        LayerTestDirectory.RequireRoot();
        var tar = new TestTar()
            .Device(TarEntryType.CharacterDevice, "dev/null", 1, 3, mode: 0x1B6)
            .Device(TarEntryType.BlockDevice, "dev/loop9", 7, 9)
            .Device(TarEntryType.CharacterDevice, "dev/big", 300, 70000)
            .Fifo("run/fifo", mode: 0x180)
            .ToArray();

        await LayerApply.ApplyAsync(tar, dir.Root);

        var nul = Posix.LStat(dir["dev/null"]);
        var loop = Posix.LStat(dir["dev/loop9"]);
        var big = Posix.LStat(dir["dev/big"]);
        var fifo = Posix.LStat(dir["run/fifo"]);
        Assert.Multiple(() =>
        {
            Assert.That((nul.FileType, Posix.Major(nul.RDevice), Posix.Minor(nul.RDevice), nul.Mode & 0xFFF), Is.EqualTo((0x2000u, 1u, 3u, 0x1B6u)));
            Assert.That((loop.FileType, Posix.Major(loop.RDevice), Posix.Minor(loop.RDevice)), Is.EqualTo((0x6000u, 7u, 9u)));
            Assert.That((Posix.Major(big.RDevice), Posix.Minor(big.RDevice)), Is.EqualTo((300u, 70000u)));
            Assert.That((fifo.FileType, fifo.Mode & 0xFFF), Is.EqualTo((0x1000u, 0x180u)));
        });
    }

    [Test]
    public async Task ApplyAsync_GnuLongNamesAndPaxPaths_AreRead()
    {
        var longName = string.Join('/', Enumerable.Repeat("directory-name-of-some-length", 8)) + "/file.txt";
        var longTarget = string.Join('/', Enumerable.Repeat("target-name-of-some-length", 6));
        var gnu = new TestTar(TarEntryFormat.Gnu).File(longName, "gnu").Symlink("gnu-link", longTarget).ToArray();
        var pax = new TestTar().File("ünïcödé/" + longName, "pax").ToArray();

        await LayerApply.ApplyAsync(gnu, dir.Root);
        await LayerApply.ApplyAsync(pax, dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(dir[longName]), Is.EqualTo("gnu"));
            Assert.That(new FileInfo(dir["gnu-link"]).LinkTarget, Is.EqualTo(longTarget));
            Assert.That(File.ReadAllText(dir["ünïcödé/" + longName]), Is.EqualTo("pax"));
        });
    }

    [Test]
    public async Task ApplyAsync_DotSlashNamesAndRootEntry_AreNormalised()
    {
        var tar = new TestTar().Directory("./").Directory("./etc/").File("./etc//hosts", "127.0.0.1").File("etc/x/../y", "y").ToArray();

        await LayerApply.ApplyAsync(tar, dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(dir["etc/hosts"]), Is.EqualTo("127.0.0.1"));
            Assert.That(File.ReadAllText(dir["etc/y"]), Is.EqualTo("y"));
            Assert.That(Directory.Exists(dir["etc/x"]), Is.False);
        });
    }

    [Test]
    public async Task ApplyAsync_LargeFile_IsWrittenWhole()
    {
        var content = new byte[(3 << 20) + 12345];
        new Random(7).NextBytes(content);

        await LayerApply.ApplyAsync(new TestTar().File("blob", content).ToArray(), dir.Root);

        Assert.That(await File.ReadAllBytesAsync(dir["blob"]), Is.EqualTo(content));
    }

    [Test]
    public async Task ApplyAsync_DirectoryOverDirectory_KeepsContentsAndUpdatesMode()
    {
        Directory.CreateDirectory(dir["d"]);
        await File.WriteAllTextAsync(dir["d/old"], "old");

        await LayerApply.ApplyAsync(new TestTar().Directory("d/", mode: 0x1C0).File("d/new", "new").ToArray(), dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(dir["d/old"]), Is.EqualTo("old"));
            Assert.That(File.ReadAllText(dir["d/new"]), Is.EqualTo("new"));
            Assert.That(Posix.LStat(dir["d"]).Mode & 0xFFF, Is.EqualTo(0x1C0u));
        });
    }

    [Test]
    public async Task ApplyAsync_EntryOverOtherType_ReplacesIt()
    {
        Directory.CreateDirectory(dir["was-dir/sub"]);
        await File.WriteAllTextAsync(dir["was-file"], "file");
        File.CreateSymbolicLink(dir["was-link"], "/etc/passwd");

        var tar = new TestTar().File("was-dir", "now a file").Directory("was-file/").File("was-link", "now a file").ToArray();
        await LayerApply.ApplyAsync(tar, dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(dir["was-dir"]), Is.EqualTo("now a file"));
            Assert.That(Directory.Exists(dir["was-file"]));
            Assert.That(Posix.LStat(dir["was-link"]).IsRegularFile, "the link itself is replaced, its target untouched");
            Assert.That(File.ReadAllText(dir["was-link"]), Is.EqualTo("now a file"));
        });
    }

    [Test]
    public async Task ApplyAsync_ReplacingDirectoryHoldingLinkToOutside_LeavesOutsideIntact()
    {
        var outside = dir.Sibling("outside");
        await File.WriteAllTextAsync(Path.Combine(outside, "keep"), "keep");
        Directory.CreateDirectory(dir["d"]);
        File.CreateSymbolicLink(dir["d/escape"], outside);

        await LayerApply.ApplyAsync(new TestTar().File("d", "file").ToArray(), dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(outside, "keep")), Is.EqualTo("keep"));
            Assert.That(File.ReadAllText(dir["d"]), Is.EqualTo("file"));
        });
    }

    [Test]
    public async Task ApplyAsync_GlobalExtendedHeader_IsSkipped()
    {
        await LayerApply.ApplyAsync(new TestTar().GlobalHeader().File("a", "a").ToArray(), dir.Root);

        Assert.That(Directory.EnumerateFileSystemEntries(dir.Root).Select(Path.GetFileName), Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public async Task ApplyAsync_TrustedOverlayXattrInTheLayer_IsNotApplied()
    {
        LayerTestDirectory.RequireRoot();
        var tar = new TestTar()
            .Directory("d/", pax: new() { ["SCHILY.xattr.trusted.overlay.opaque"] = "y", ["SCHILY.xattr.user.kept"] = "1" })
            .ToArray();

        await LayerApply.ApplyAsync(tar, dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(Posix.LGetXattr(dir["d"], "trusted.overlay.opaque"), Is.Null);
            Assert.That(Posix.LGetXattr(dir["d"], "user.kept"), Is.EqualTo("1"u8.ToArray()));
        });
    }

    [Test]
    public async Task ApplyAsync_LibarchiveBinaryXattr_IsDecoded()
    {
        byte[] value = [0x01, 0x0A, 0xFF, 0x00, 0x80];
        var tar = new TestTar().File("f", "x", pax: new() { ["LIBARCHIVE.xattr.user.bin%3Dary"] = Convert.ToBase64String(value) }).ToArray();

        await LayerApply.ApplyAsync(tar, dir.Root);

        Assert.That(Posix.LGetXattr(dir["f"], "user.bin=ary"), Is.EqualTo(value));
    }

    [Test]
    public async Task ApplyAsync_RawBinarySchilyXattr_IsDroppedNotMangled()
    {
        // System.Formats.Tar decodes PAX values as UTF-8: a raw binary value (as Go writes it) cannot be read back.
        var tar = await RawPaxTarAsync(("SCHILY.xattr.user.bin", [0x01, 0xFF, 0x80]), ("SCHILY.xattr.user.text", "ok"u8.ToArray()));

        await LayerApply.ApplyAsync(tar, dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(Posix.LGetXattr(dir["f"], "user.bin"), Is.Null);
            Assert.That(Posix.LGetXattr(dir["f"], "user.text"), Is.EqualTo("ok"u8.ToArray()));
        });
    }

    [Test]
    public async Task ApplyAsync_SchilyXattrWithNewline_IsRefusedAsInvalidHeader()
    {
        // Known limit of System.Formats.Tar: it refuses a PAX value holding a newline. Refused cleanly, never misapplied.
        var tar = await RawPaxTarAsync(("SCHILY.xattr.user.bin", [0x01, 0x0A, 0x02]));

        var error = LayerApply.Refused(tar, dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Does.StartWith("invalid layer: invalid tar header"));
        });
    }

    private static async Task<byte[]> RawPaxTarAsync(params (string Key, byte[] Value)[] records)
    {
        var output = new MemoryStream();
        using var tar = new PaxTarOutput(output);
        await tar.WriteHeaderAsync(new TarHeaderFields { Name = "f", TypeFlag = TarHeaderFields.RegularFile, Mode = 0x1A4, Records = records }, CancellationToken.None);
        await tar.FinishAsync(CancellationToken.None);
        return output.ToArray();
    }

    [Test]
    public async Task ApplyAsync_UstarEntries_AreApplied()
    {
        var tar = new TestTar(TarEntryFormat.Ustar).Directory("u/").File("u/f", "ustar").ToArray();

        await LayerApply.ApplyAsync(tar, dir.Root);

        Assert.That(await File.ReadAllTextAsync(dir["u/f"], Encoding.UTF8), Is.EqualTo("ustar"));
    }
}
