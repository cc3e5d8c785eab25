using Berth.Kernel.InitLayer;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Tests.InitLayer;

public class InitLayerSetupTests
{
    private static readonly string[] Directories = ["dev", "dev/pts", "dev/shm", "proc", "sys", "etc"];
    private static readonly string[] Files = [".dockerenv", "etc/resolv.conf", "etc/hosts", "etc/hostname", "dev/console"];

    private string sandbox = null!;
    private string rootfs = null!;
    private string outside = null!;

    [SetUp]
    public void CreateSandbox()
    {
        sandbox = Directory.CreateTempSubdirectory("berth-initlayer.").FullName;
        rootfs = Directory.CreateDirectory(Path.Combine(sandbox, "rootfs")).FullName;
        outside = Directory.CreateDirectory(Path.Combine(sandbox, "elsewhere")).FullName;
    }

    [TearDown]
    public void RemoveSandbox() => Directory.Delete(sandbox, recursive: true);

    private string InRoot(string path) => Path.Combine(rootfs, path);

    [Test]
    public void Populate_EmptyRoot_CreatesMobysMountPoints()
    {
        InitLayerSetup.Populate(rootfs, CurrentUid(), CurrentGid());

        Assert.Multiple(() =>
        {
            foreach (var dir in Directories) Assert.That(Posix.LStat(InRoot(dir)).IsDirectory, dir);
            foreach (var file in Files) Assert.That(Posix.LStat(InRoot(file)).IsRegularFile, file);
            Assert.That(new FileInfo(InRoot("etc/mtab")).LinkTarget, Is.EqualTo("/proc/mounts"));
            Assert.That(File.GetUnixFileMode(InRoot(".dockerenv")), Is.EqualTo((UnixFileMode)0b111_101_101), "-rwxr-xr-x as Docker's");
            Assert.That(new FileInfo(InRoot(".dockerenv")).Length, Is.Zero);
        });
    }

    [Test]
    public void Populate_RunAsRoot_EverythingOwnedByTheGivenIds()
    {
        Assume.That(Environment.IsPrivilegedProcess, "chown needs root");

        InitLayerSetup.Populate(rootfs, 100000, 100000);

        Assert.Multiple(() =>
        {
            foreach (var path in Directories.Concat(Files).Append("etc/mtab"))
                Assert.That((Posix.LStat(InRoot(path)).Uid, Posix.LStat(InRoot(path)).Gid), Is.EqualTo((100000u, 100000u)), path);
        });
    }

    [Test]
    public void Populate_SecondRun_ChangesNothing()
    {
        InitLayerSetup.Populate(rootfs, CurrentUid(), CurrentGid());
        var before = Snapshot();

        InitLayerSetup.Populate(rootfs, CurrentUid(), CurrentGid());

        Assert.That(Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public void Populate_ImageContent_IsKept()
    {
        Directory.CreateDirectory(InRoot("etc"));
        File.WriteAllText(InRoot("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
        File.WriteAllText(InRoot("etc/hosts"), "image hosts\n");

        InitLayerSetup.Populate(rootfs, CurrentUid(), CurrentGid());

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(InRoot("etc/passwd")), Is.EqualTo("root:x:0:0::/root:/bin/sh\n"));
            Assert.That(File.ReadAllText(InRoot("etc/hosts")), Is.EqualTo("image hosts\n"));
        });
    }

    [Test]
    public void Populate_EtcIsAnAbsoluteSymlinkOutOfTheRoot_NeverWritesThroughIt()
    {
        File.CreateSymbolicLink(InRoot("etc"), outside);

        InitLayerSetup.Populate(rootfs, CurrentUid(), CurrentGid());

        Assert.Multiple(() =>
        {
            Assert.That(Directory.EnumerateFileSystemEntries(outside), Is.Empty, "nothing created at the link's target");
            Assert.That(Posix.LStat(InRoot("etc")).IsDirectory, "the link was replaced by a directory inside the root");
            Assert.That(Posix.LStat(InRoot("etc/hosts")).IsRegularFile);
            Assert.That(Directory.Exists(outside), "the target itself is untouched");
        });
    }

    [Test]
    public void Populate_RelativeSymlinkClimbingOut_NeverWritesThroughIt()
    {
        File.CreateSymbolicLink(InRoot("dev"), "../elsewhere");

        InitLayerSetup.Populate(rootfs, CurrentUid(), CurrentGid());

        Assert.Multiple(() =>
        {
            Assert.That(Directory.EnumerateFileSystemEntries(outside), Is.Empty);
            Assert.That(Posix.LStat(InRoot("dev/pts")).IsDirectory);
        });
    }

    [Test]
    public void Populate_MountPointIsASymlinkToAFileOutside_ReplacesTheLinkNotTheTarget()
    {
        var target = Path.Combine(outside, "resolv.conf");
        File.WriteAllText(target, "nameserver 1.2.3.4\n");
        Directory.CreateDirectory(InRoot("etc"));
        File.CreateSymbolicLink(InRoot("etc/resolv.conf"), target);
        File.CreateSymbolicLink(InRoot("etc/mtab"), "/etc/elsewhere");

        InitLayerSetup.Populate(rootfs, CurrentUid(), CurrentGid());

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(target), Is.EqualTo("nameserver 1.2.3.4\n"));
            Assert.That(Posix.LStat(InRoot("etc/resolv.conf")).IsRegularFile);
            Assert.That(new FileInfo(InRoot("etc/mtab")).LinkTarget, Is.EqualTo("/proc/mounts"));
        });
    }

    [Test]
    public void Populate_FileWhereADirectoryBelongs_ReplacedByADirectory()
    {
        File.WriteAllText(InRoot("proc"), "not a dir");
        File.WriteAllText(InRoot("dev"), "not a dir");

        InitLayerSetup.Populate(rootfs, CurrentUid(), CurrentGid());

        Assert.Multiple(() =>
        {
            Assert.That(Posix.LStat(InRoot("proc")).IsDirectory);
            Assert.That(Posix.LStat(InRoot("dev/console")).IsRegularFile);
        });
    }

    [Test]
    public void Populate_MissingRoot_ThrowsDirectoryNotFound() =>
        Assert.Throws<DirectoryNotFoundException>(() => InitLayerSetup.Populate(Path.Combine(sandbox, "missing")));

    private Dictionary<string, (ulong Inode, uint Mode, string? Link)> Snapshot() =>
        Directory.EnumerateFileSystemEntries(rootfs, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .ToDictionary(path => path, path =>
            {
                var stat = Posix.LStat(path);
                return (stat.Inode, stat.Mode, new FileInfo(path).LinkTarget);
            });

    private int CurrentUid() => (int)Posix.LStat(sandbox).Uid;

    private int CurrentGid() => (int)Posix.LStat(sandbox).Gid;
}
