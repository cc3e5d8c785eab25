using System.Formats.Tar;
using System.IO.Compression;
using Berth.Kernel.Plugins;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Plugins;

[TestFixture]
public sealed class PackageArchiveTests
{
    private DirectoryInfo root = null!;
    private string Destination => Path.Combine(root.FullName, "staging");

    [SetUp]
    public void CreateRoot() => root = Directory.CreateTempSubdirectory("berth-archive.");

    [TearDown]
    public void RemoveRoot() => root.Delete(recursive: true);

    private static MemoryStream Tar(params TarEntry[] entries)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries) writer.WriteEntry(entry);
        }
        stream.Position = 0;
        return stream;
    }

    private static PaxTarEntry File(string name, string text, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), Mode = mode };

    private static PaxTarEntry Link(string name, string target) => new(TarEntryType.SymbolicLink, name) { LinkName = target };

    [Test]
    public async Task ExtractAsync_PackageTar_WritesFilesFoldersAndInnerLinks()
    {
        using var tar = Tar(new PaxTarEntry(TarEntryType.Directory, "./"), File("./config.json", "{}"),
            new PaxTarEntry(TarEntryType.Directory, "rootfs/"), File("rootfs/a.dll", "x"), Link("rootfs/b.dll", "a.dll"));
        await PackageArchive.ExtractAsync(tar, Destination, CancellationToken.None);
        Assert.That(await System.IO.File.ReadAllTextAsync(Path.Combine(Destination, "config.json")), Is.EqualTo("{}"));
        Assert.That(new FileInfo(Path.Combine(Destination, "rootfs", "b.dll")).LinkTarget, Is.EqualTo("a.dll"));
    }

    [Test]
    public async Task ExtractAsync_GzippedTar_IsAccepted()
    {
        using var plain = Tar(File("config.json", "{}"));
        var gz = new MemoryStream();
        await using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) await plain.CopyToAsync(zip);
        gz.Position = 0;
        await PackageArchive.ExtractAsync(gz, Destination, CancellationToken.None);
        Assert.That(System.IO.File.Exists(Path.Combine(Destination, "config.json")));
    }

    [Test]
    public void ExtractAsync_DotDotEntry_IsRefused()
    {
        using var tar = Tar(File("../escape.txt", "x"));
        var ex = Assert.ThrowsAsync<BerthException>(() => PackageArchive.ExtractAsync(tar, Destination, CancellationToken.None));
        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(System.IO.File.Exists(Path.Combine(root.FullName, "escape.txt")), Is.False);
    }

    [TestCase("/etc")]
    [TestCase("../..")]
    [TestCase("a/../../x")]
    public void ExtractAsync_LinkLeavingTheFolder_IsRefused(string target)
    {
        using var tar = Tar(Link("out", target));
        Assert.ThrowsAsync<BerthException>(() => PackageArchive.ExtractAsync(tar, Destination, CancellationToken.None));
    }

    [Test]
    public void ExtractAsync_WriteThroughALink_IsRefused()
    {
        // a -> . is harmless by itself; writing a/x through it is what a chain of links would exploit.
        using var tar = Tar(Link("a", "."), File("a/x", "x"));
        var ex = Assert.ThrowsAsync<BerthException>(() => PackageArchive.ExtractAsync(tar, Destination, CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain("through a symlink"));
    }

    [TestCase(TarEntryType.CharacterDevice)]
    [TestCase(TarEntryType.Fifo)]
    public void ExtractAsync_SpecialFile_IsRefused(TarEntryType type)
    {
        using var tar = Tar(new PaxTarEntry(type, "dev"));
        var ex = Assert.ThrowsAsync<BerthException>(() => PackageArchive.ExtractAsync(tar, Destination, CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain(type.ToString()));
    }

    [Test]
    public async Task ExtractAsync_SetuidFile_LosesTheBit()
    {
        using var tar = Tar(File("tool", "x", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.SetUser));
        await PackageArchive.ExtractAsync(tar, Destination, CancellationToken.None);
        Assert.That(System.IO.File.GetUnixFileMode(Path.Combine(Destination, "tool")).HasFlag(UnixFileMode.SetUser), Is.False);
    }

    [Test]
    public void ExtractAsync_NotATar_IsRefusedAsInvalid()
    {
        using var junk = new MemoryStream(new byte[1024].Select((_, i) => (byte)(i % 7 + 1)).ToArray());
        var ex = Assert.ThrowsAsync<BerthException>(() => PackageArchive.ExtractAsync(junk, Destination, CancellationToken.None));
        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }
}
