using System.Text;
using Berth.Kernel.Volumes;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Tests.Volumes;

public class VolumeCopyUpTests
{
    private static readonly UnixFileMode Mode0750 = (UnixFileMode)Convert.ToInt32("750", 8);
    private static readonly UnixFileMode Mode4755 = (UnixFileMode)Convert.ToInt32("4755", 8);
    private static readonly UnixFileMode Mode0600 = (UnixFileMode)Convert.ToInt32("600", 8);
    private static readonly UnixFileMode Mode1777 = (UnixFileMode)Convert.ToInt32("1777", 8);
    private static readonly DateTimeOffset Old = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private VolumeTestRoot root = null!;
    private string image = null!;
    private string volume = null!;

    [SetUp]
    public void SetUp()
    {
        root = new VolumeTestRoot();
        image = root.Scratch("image-dir");
        volume = root.Scratch("volume-data");
    }

    [TearDown]
    public void TearDown() => root.Dispose();

    [Test]
    public async Task CopyUpAsync_EmptyVolume_CopiesTreeWithModesLinksAndTimes()
    {
        Directory.CreateDirectory(Path.Combine(image, "conf.d"));
        await File.WriteAllTextAsync(Path.Combine(image, "conf.d", "app.conf"), "listen 80");
        File.SetUnixFileMode(Path.Combine(image, "conf.d", "app.conf"), Mode0600);
        await File.WriteAllTextAsync(Path.Combine(image, "tool"), "#!/bin/sh");
        File.SetUnixFileMode(Path.Combine(image, "tool"), Mode4755);
        Directory.CreateDirectory(Path.Combine(image, "tmp"));
        File.SetUnixFileMode(Path.Combine(image, "tmp"), Mode1777);
        File.CreateSymbolicLink(Path.Combine(image, "current"), "conf.d/app.conf");
        File.CreateSymbolicLink(Path.Combine(image, "dangling"), "/nowhere/at/all");
        Posix.SetTimesNoFollow(Path.Combine(image, "conf.d", "app.conf"), Old, Old);
        Posix.SetTimesNoFollow(Path.Combine(image, "conf.d"), Old, Old);
        File.SetUnixFileMode(image, Mode0750);

        var copied = await VolumeService.CopyUpAsync(image, volume, CancellationToken.None);

        Assert.That(copied, Is.True);
        Assert.That(await File.ReadAllTextAsync(Path.Combine(volume, "conf.d", "app.conf")), Is.EqualTo("listen 80"));
        Assert.That(File.GetUnixFileMode(Path.Combine(volume, "conf.d", "app.conf")), Is.EqualTo(Mode0600));
        Assert.That(File.GetUnixFileMode(Path.Combine(volume, "tool")), Is.EqualTo(Mode4755), "setuid survives");
        Assert.That(File.GetUnixFileMode(Path.Combine(volume, "tmp")), Is.EqualTo(Mode1777), "sticky survives");
        Assert.That(new FileInfo(Path.Combine(volume, "current")).LinkTarget, Is.EqualTo("conf.d/app.conf"));
        Assert.That(new FileInfo(Path.Combine(volume, "dangling")).LinkTarget, Is.EqualTo("/nowhere/at/all"));
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(volume, "conf.d", "app.conf")), Is.EqualTo(Old.UtcDateTime));
        Assert.That(Directory.GetLastWriteTimeUtc(Path.Combine(volume, "conf.d")), Is.EqualTo(Old.UtcDateTime), "folder times are set after their content");
        Assert.That(File.GetUnixFileMode(volume), Is.EqualTo(Mode0750), "the volume root takes the source folder's mode");
    }

    [Test]
    public async Task CopyUpAsync_HardLinks_StayLinked()
    {
        await File.WriteAllTextAsync(Path.Combine(image, "a"), "same");
        await HardLinkAsync(Path.Combine(image, "a"), Path.Combine(image, "b"));

        await VolumeService.CopyUpAsync(image, volume, CancellationToken.None);

        var a = Posix.LStat(Path.Combine(volume, "a"));
        var b = Posix.LStat(Path.Combine(volume, "b"));
        Assert.That(b.Inode, Is.EqualTo(a.Inode));
        Assert.That(a.LinkCount, Is.EqualTo(2));
    }

    private static async Task HardLinkAsync(string existing, string path)
    {
        using var ln = System.Diagnostics.Process.Start("ln", [existing, path]);
        await ln.WaitForExitAsync();
        Assert.That(ln.ExitCode, Is.Zero, "ln");
    }

    [Test]
    public async Task CopyUpAsync_OwnersAndXattrs_Copied()
    {
        if (!Environment.IsPrivilegedProcess) Assert.Ignore("needs root (chown)");
        var file = Path.Combine(image, "owned");
        await File.WriteAllTextAsync(file, "x");
        Posix.LChown(file, 1234, 5678);
        Posix.LChown(image, 999, 998);
        try
        {
            Posix.LSetXattr(file, "user.berth", Encoding.UTF8.GetBytes("kept"));
        }
        catch (IOException)
        {
            Assert.Ignore("this file system has no user xattrs");
        }

        await VolumeService.CopyUpAsync(image, volume, CancellationToken.None);

        var copy = Posix.LStat(Path.Combine(volume, "owned"));
        Assert.That((copy.Uid, copy.Gid), Is.EqualTo((1234u, 5678u)));
        Assert.That((Posix.LStat(volume).Uid, Posix.LStat(volume).Gid), Is.EqualTo((999u, 998u)));
        Assert.That(Encoding.UTF8.GetString(Posix.LGetXattr(Path.Combine(volume, "owned"), "user.berth")!), Is.EqualTo("kept"));
    }

    [Test]
    public async Task CopyUpAsync_VolumeNotEmpty_NothingCopied()
    {
        await File.WriteAllTextAsync(Path.Combine(image, "from-image"), "x");
        await File.WriteAllTextAsync(Path.Combine(volume, "user-data"), "y");

        var copied = await VolumeService.CopyUpAsync(image, volume, CancellationToken.None);

        Assert.That(copied, Is.False);
        Assert.That(Directory.EnumerateFileSystemEntries(volume).Select(Path.GetFileName), Is.EqualTo(new[] { "user-data" }));
    }

    [Test]
    public async Task CopyUpAsync_SourceMissingOrAFile_NothingCopied()
    {
        await File.WriteAllTextAsync(Path.Combine(image, "file"), "x");

        Assert.That(await VolumeService.CopyUpAsync(Path.Combine(image, "missing"), volume, CancellationToken.None), Is.False);
        Assert.That(await VolumeService.CopyUpAsync(Path.Combine(image, "file"), volume, CancellationToken.None), Is.False);
        Assert.That(Directory.EnumerateFileSystemEntries(volume), Is.Empty);
    }
}
