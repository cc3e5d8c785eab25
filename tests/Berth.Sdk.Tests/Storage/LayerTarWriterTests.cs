using System.Formats.Tar;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Tests.Storage;

[SupportedOSPlatform("linux")]
public class LayerTarWriterTests
{
    private static readonly DateTimeOffset Time = DateTimeOffset.FromUnixTimeSeconds(1_650_000_000).AddTicks(4_567_800);

    private LayerTestDirectory dir = null!;

    [SetUp]
    public void SetUp() => dir = new LayerTestDirectory();

    [TearDown]
    public void TearDown() => dir.Dispose();

    [Test]
    public async Task WriteAsync_ThenApply_ReproducesTheTree()
    {
        LayerTestDirectory.RequireRoot();
        var source = dir.Sibling("source");
        BuildRichTree(source);

        var tar = await WriteAsync(source, WhiteoutFormat.Delete);
        var digest = await LayerApply.ApplyAsync(tar, dir.Root, WhiteoutFormat.Delete);

        Assert.Multiple(() =>
        {
            Assert.That(TreeSnapshot.Of(dir.Root), Is.EqualTo(TreeSnapshot.Of(source).Where(l => !l.StartsWith("run/app.sock", StringComparison.Ordinal))));
            Assert.That(digest.DiffId, Is.EqualTo(TestTar.DiffIdOf(tar)));
        });
    }

    [Test]
    public async Task WriteAsync_OverlayUpper_WhiteoutsAndOpaqueDirectoriesRoundTrip()
    {
        LayerTestDirectory.RequireRoot();
        var upper = dir.Sibling("upper");
        Directory.CreateDirectory(Path.Combine(upper, "etc"));
        Posix.MkNod(Path.Combine(upper, "etc/removed"), 0x2000, 0);
        Posix.LChown(Path.Combine(upper, "etc/removed"), 3, 4);
        Posix.Link(Path.Combine(upper, "etc/removed"), Path.Combine(upper, "etc/also-removed")); // overlayfs shares one whiteout inode
        Directory.CreateDirectory(Path.Combine(upper, "opt"));
        Posix.LSetXattr(Path.Combine(upper, "opt"), "trusted.overlay.opaque", "y"u8);
        await File.WriteAllTextAsync(Path.Combine(upper, "opt/new"), "new");
        SetTimes(upper);

        var tar = await WriteAsync(upper, WhiteoutFormat.Overlay);
        await LayerApply.ApplyAsync(tar, dir.Root, WhiteoutFormat.Overlay);

        Assert.Multiple(() =>
        {
            Assert.That(EntryNames(tar), Is.EqualTo(new[] { "etc/", "etc/.wh.also-removed", "etc/.wh.removed", "opt/", "opt/.wh..wh..opq", "opt/new" }));
            Assert.That(TreeSnapshot.Of(dir.Root), Is.EqualTo(TreeSnapshot.Of(upper).Select(l => l.Replace(" linked-to=etc/also-removed", "", StringComparison.Ordinal))));
        });
    }

    [Test]
    public async Task WriteAsync_SameTreeTwice_GivesTheSameBytesAndDigest()
    {
        var source = dir.Sibling("source");
        Directory.CreateDirectory(Path.Combine(source, "a/b"));
        await File.WriteAllTextAsync(Path.Combine(source, "a/b/c"), "c");
        await File.WriteAllTextAsync(Path.Combine(source, new string('n', 150)), "long name");
        Posix.LSetXattr(Path.Combine(source, "a/b/c"), "user.k", "v"u8);
        SetTimes(source);

        var first = new MemoryStream();
        var second = new MemoryStream();
        var firstDigest = await LayerTarWriter.WriteAsync(source, WhiteoutFormat.Overlay, first, CancellationToken.None);
        var secondDigest = await LayerTarWriter.WriteAsync(source, WhiteoutFormat.Overlay, second, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(second.ToArray(), Is.EqualTo(first.ToArray()));
            Assert.That(secondDigest, Is.EqualTo(firstDigest));
            Assert.That(firstDigest.DiffId, Is.EqualTo(TestTar.DiffIdOf(first.ToArray())));
            Assert.That(firstDigest.Size, Is.EqualTo(first.Length));
            Assert.That(Encoding.ASCII.GetString(first.ToArray()), Does.Not.Contain($"PaxHeaders.{Environment.ProcessId}"),
                "nothing of this process may leak into the bytes");
        });
    }

    [Test]
    public async Task WriteAsync_Entries_AreSortedRelativeAndCarryOwnerModeAndWholeSecondMtime()
    {
        LayerTestDirectory.RequireRoot();
        var source = dir.Sibling("source");
        Directory.CreateDirectory(Path.Combine(source, "b"));
        await File.WriteAllTextAsync(Path.Combine(source, "b/z"), "z");
        await File.WriteAllTextAsync(Path.Combine(source, "a"), "a");
        await File.WriteAllTextAsync(Path.Combine(source, ".hidden"), "h");
        Posix.LChown(Path.Combine(source, "a"), 1234, 5678);
        File.SetUnixFileMode(Path.Combine(source, "a"), (UnixFileMode)0x1E4);
        SetTimes(source);

        var tar = await WriteAsync(source, WhiteoutFormat.Overlay);

        var entries = ReadEntries(tar);
        var a = entries.Single(e => e.Name == "a");
        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => e.Name), Is.EqualTo(new[] { ".hidden", "a", "b/", "b/z" }));
            Assert.That((a.Uid, a.Gid, (int)a.Mode), Is.EqualTo((1234, 5678, 0x1E4)));
            Assert.That(a.ModificationTime, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(Time.ToUnixTimeSeconds())));
            Assert.That(entries.OfType<PosixTarEntry>().All(e => e.UserName.Length == 0 && e.GroupName.Length == 0));
        });
    }

    [Test]
    public async Task WriteAsync_Socket_IsSkipped()
    {
        var source = dir.Sibling("source");
        MakeSocket(Path.Combine(source, "app.sock"));
        await File.WriteAllTextAsync(Path.Combine(source, "file"), "f");

        var tar = await WriteAsync(source, WhiteoutFormat.Overlay);

        Assert.That(EntryNames(tar), Is.EqualTo(new[] { "file" }));
    }

    [Test]
    public async Task WriteAsync_DeleteFormat_KeepsCharDevice00AsADeviceAndDropsOverlayXattrs()
    {
        LayerTestDirectory.RequireRoot();
        var source = dir.Sibling("source");
        Posix.MkNod(Path.Combine(source, "wh"), 0x2000, 0);
        Directory.CreateDirectory(Path.Combine(source, "opaque"));
        Posix.LSetXattr(Path.Combine(source, "opaque"), "trusted.overlay.opaque", "y"u8);

        var tar = await WriteAsync(source, WhiteoutFormat.Delete);

        var entries = ReadEntries(tar);
        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => (e.Name, e.EntryType)), Is.EqualTo(new[] { ("opaque/", TarEntryType.Directory), ("wh", TarEntryType.CharacterDevice) }));
            Assert.That(entries.OfType<PaxTarEntry>().SelectMany(e => e.ExtendedAttributes.Keys), Has.None.Contains("trusted.overlay"));
        });
    }

    [Test]
    public async Task WriteAsync_BinaryXattr_CarriesRawSchilyForDockerAndLibarchiveForUs()
    {
        var source = dir.Sibling("source");
        await File.WriteAllTextAsync(Path.Combine(source, "f"), "f");
        byte[] high = [0x01, 0x00, 0x00, 0x02, 0x80, 0xFF];
        Posix.LSetXattr(Path.Combine(source, "f"), "user.high", high);

        var tar = await WriteAsync(source, WhiteoutFormat.Overlay);
        await LayerApply.ApplyAsync(tar, dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(tar.AsSpan().IndexOf("SCHILY.xattr.user.high="u8.ToArray().Concat(high).ToArray()), Is.GreaterThan(0), "raw bytes, as Go writes them");
            Assert.That(Posix.LGetXattr(dir["f"], "user.high"), Is.EqualTo(high));
        });
    }

    [Test]
    public async Task WriteAsync_FileLockedByAContainerProcess_IsStillRead()
    {
        var source = dir.Sibling("source");
        var path = Path.Combine(source, "db.lock");
        await File.WriteAllTextAsync(path, "locked");
        await using var locked = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None); // flock(LOCK_EX)

        var tar = await WriteAsync(source, WhiteoutFormat.Overlay);
        await LayerApply.ApplyAsync(tar, dir.Root);

        Assert.That(await File.ReadAllTextAsync(dir["db.lock"]), Is.EqualTo("locked"));
    }

    [Test]
    public void WriteAsync_MissingDirectory_Throws()
    {
        Assert.ThrowsAsync<BerthException>(() => LayerTarWriter.WriteAsync(Path.Combine(dir.Parent, "missing"), WhiteoutFormat.Overlay, new MemoryStream(), CancellationToken.None));
    }

    private static void BuildRichTree(string source)
    {
        string P(string relative) => Path.Combine(source, relative);
        foreach (var d in new[] { "bin", "dev", "etc/ssl", "run", "tmp", "data", "données" }) Directory.CreateDirectory(P(d));
        File.WriteAllText(P("etc/hostname"), "berth\n");
        Posix.LSetXattr(P("etc/hostname"), "user.text", "hello"u8);
        File.WriteAllBytes(P("bin/busybox"), RandomNumberGenerator.GetBytes(100_000));
        Posix.Link(P("bin/busybox"), P("bin/ls"));
        File.WriteAllText(P("bin/su"), "su");
        Posix.Chmod(P("bin/su"), 0xDED); // 06755
        File.CreateSymbolicLink(P("bin/sh"), "/bin/busybox");
        File.CreateSymbolicLink(P("lib"), "usr/lib");
        Posix.MkNod(P("dev/null"), 0x2000 | 0x1B6, Posix.MakeDev(1, 3));
        Posix.MkNod(P("dev/sda"), 0x6000 | 0x1B0, Posix.MakeDev(8, 0));
        Posix.MkNod(P("run/fifo"), 0x1000 | 0x1A4, 0);
        MakeSocket(P("run/app.sock"));
        Posix.LChown(P("etc/ssl"), 10, 20);
        Posix.Chmod(P("etc/ssl"), 0x1C0);
        Posix.Chmod(P("tmp"), 0x3FF); // 01777
        var big = RandomNumberGenerator.GetBytes((2 << 20) + 333);
        File.WriteAllBytes(P("data/big"), big);
        Posix.LSetXattr(P("data/big"), "user.binary", [0x00, 0x01, 0x0A, 0xFF, 0x80]);
        File.WriteAllText(P("data/empty"), "");
        var longName = string.Join('/', Enumerable.Repeat("a-rather-long-directory-name", 5));
        Directory.CreateDirectory(P(longName));
        File.WriteAllText(P(longName + "/" + new string('f', 120)), "deep");
        File.WriteAllText(P("données/ünïcode.txt"), "utf-8");
        SetTimes(source);
    }

    /// <summary>Gives every entry (links included) a fixed mtime with a fraction, deepest first so directories keep theirs.</summary>
    private static void SetTimes(string root)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                     .OrderByDescending(p => p.Length))
        {
            Posix.SetTimesNoFollow(path, Time, Time);
        }
    }

    private static void MakeSocket(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
    }

    private static async Task<byte[]> WriteAsync(string source, WhiteoutFormat whiteouts)
    {
        var output = new MemoryStream();
        await LayerTarWriter.WriteAsync(source, whiteouts, output, CancellationToken.None);
        return output.ToArray();
    }

    private static List<TarEntry> ReadEntries(byte[] tar)
    {
        var reader = new TarReader(new MemoryStream(tar));
        var entries = new List<TarEntry>();
        while (reader.GetNextEntry(copyData: true) is { } entry) entries.Add(entry);
        return entries;
    }

    private static string[] EntryNames(byte[] tar) => [.. ReadEntries(tar).Select(e => e.Name)];
}
