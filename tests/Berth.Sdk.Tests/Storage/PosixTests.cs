using System.Runtime.Versioning;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Tests.Storage;

[SupportedOSPlatform("linux")]
public class PosixTests
{
    private LayerTestDirectory dir = null!;

    [SetUp]
    public void SetUp() => dir = new LayerTestDirectory();

    [TearDown]
    public void TearDown() => dir.Dispose();

    [Test]
    public void LStat_RegularFile_ReportsTypeModeSizeAndTimes()
    {
        var path = dir["f"];
        File.WriteAllText(path, "12345");
        File.SetUnixFileMode(path, (UnixFileMode)0x1A0);
        var time = DateTimeOffset.FromUnixTimeSeconds(1_234_567_890).AddTicks(9_876_543);
        Posix.SetTimesNoFollow(path, time, time);

        var stat = Posix.LStat(path);

        Assert.Multiple(() =>
        {
            Assert.That(stat.IsRegularFile);
            Assert.That(stat.Mode & 0xFFF, Is.EqualTo(0x1A0u));
            Assert.That(stat.Size, Is.EqualTo(5));
            Assert.That((stat.MtimeSeconds, stat.MtimeNanos), Is.EqualTo((1_234_567_890L, 987_654_300L)));
            Assert.That(stat.LinkCount, Is.EqualTo(1UL));
            Assert.That(stat.Inode, Is.Not.Zero);
            Assert.That(stat.Device, Is.EqualTo(Posix.LStat(dir.Root).Device));
        });
    }

    [Test]
    public void LStat_Symlink_DescribesTheLinkAndSetTimesLeavesTheTarget()
    {
        File.WriteAllText(dir["target"], "t");
        var before = Posix.LStat(dir["target"]);
        File.CreateSymbolicLink(dir["link"], "target");

        Posix.SetTimesNoFollow(dir["link"], DateTimeOffset.FromUnixTimeSeconds(42), DateTimeOffset.FromUnixTimeSeconds(42));

        Assert.Multiple(() =>
        {
            Assert.That(Posix.LStat(dir["link"]).IsSymbolicLink);
            Assert.That(Posix.LStat(dir["link"]).MtimeSeconds, Is.EqualTo(42));
            Assert.That(Posix.LStat(dir["target"]).MtimeSeconds, Is.EqualTo(before.MtimeSeconds));
        });
    }

    [Test]
    public void TryLStat_MissingPath_ReturnsFalse()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Posix.TryLStat(dir["missing"], out _), Is.False);
            Assert.That(Posix.TryLStat(dir["missing/below"], out _), Is.False);
        });
    }

    [Test]
    public void LStat_MissingPath_ThrowsNamingThePathAndTheError()
    {
        var error = Assert.Throws<IOException>(() => Posix.LStat(dir["missing"]))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain(dir["missing"]).And.Contain("No such file or directory"));
            Assert.That(error.HResult, Is.EqualTo(2));
        });
    }

    [Test]
    public void OpenForReading_Symlink_IsRefused()
    {
        File.WriteAllText(dir["target"], "t");
        File.CreateSymbolicLink(dir["link"], dir["target"]);

        Assert.Multiple(() =>
        {
            Assert.Throws<IOException>(() => Posix.OpenForReading(dir["link"]).Dispose());
            using var handle = Posix.OpenForReading(dir["target"]);
            Assert.That(RandomAccess.GetLength(handle), Is.EqualTo(1));
        });
    }

    [TestCase(0u, 0u)]
    [TestCase(1u, 3u)]
    [TestCase(259u, 65536u)]
    [TestCase(4095u, 1048575u)]
    public void MakeDev_MajorAndMinor_RoundTrip(uint major, uint minor)
    {
        var dev = Posix.MakeDev(major, minor);

        Assert.That((Posix.Major(dev), Posix.Minor(dev)), Is.EqualTo((major, minor)));
    }

    [Test]
    public void MakeDev_SmallNumbers_MatchTheClassicEncoding() => Assert.That(Posix.MakeDev(8, 1), Is.EqualTo(0x801UL));

    [Test]
    public void MkNodAndLChown_CharacterDevice_HasNumbersAndOwner()
    {
        LayerTestDirectory.RequireRoot();
        Posix.MkNod(dir["null"], 0x2000 | 0x1B6, Posix.MakeDev(1, 3));
        Posix.LChown(dir["null"], 1000, 2000);

        var stat = Posix.LStat(dir["null"]);

        Assert.Multiple(() =>
        {
            Assert.That(stat.IsCharacterDevice);
            Assert.That((Posix.Major(stat.RDevice), Posix.Minor(stat.RDevice)), Is.EqualTo((1u, 3u)));
            Assert.That((stat.Uid, stat.Gid), Is.EqualTo((1000u, 2000u)));
        });
    }

    [Test]
    public void Xattrs_SetListGet_RoundTripBinaryValues()
    {
        File.WriteAllText(dir["f"], "");
        byte[] value = [0, 1, 10, 255];

        Posix.LSetXattr(dir["f"], "user.one", value);
        Posix.LSetXattr(dir["f"], "user.two", []);

        Assert.Multiple(() =>
        {
            Assert.That(Posix.LListXattr(dir["f"]).Where(n => n.StartsWith("user.", StringComparison.Ordinal)), Is.EquivalentTo(new[] { "user.one", "user.two" }));
            Assert.That(Posix.LGetXattr(dir["f"], "user.one"), Is.EqualTo(value));
            Assert.That(Posix.LGetXattr(dir["f"], "user.two"), Is.Empty);
            Assert.That(Posix.LGetXattr(dir["f"], "user.none"), Is.Null);
        });
    }

    [Test]
    public void LSetXattr_MissingFile_ThrowsNamingIt()
    {
        var error = Assert.Throws<IOException>(() => Posix.LSetXattr(dir["missing"], "user.x", "1"u8))!;

        Assert.That(error.Message, Does.Contain("lsetxattr user.x").And.Contain(dir["missing"]));
    }

    [Test]
    public void MountAndUnmount_Tmpfs_AppearsAndGoes()
    {
        LayerTestDirectory.RequireRoot();
        var target = dir.Sibling("mnt");
        try
        {
            Posix.Mount("tmpfs", target, "tmpfs", Posix.MsRdOnly, "size=64k");
        }
        catch (IOException ex)
        {
            Assert.Ignore($"cannot mount here: {ex.Message}");
        }
        var mounted = Posix.LStat(target).Device;
        Posix.Unmount(target, detach: false);

        Assert.That(Posix.LStat(target).Device, Is.Not.EqualTo(mounted));
    }
}
