using Berth.Kernel.Volumes;
using Berth.Sdk;
using Berth.Sdk.Storage.Mounts;

namespace Berth.Kernel.Tests.Volumes;

/// <summary>Real mounts (root only): the teardown unmounts anything still mounted under the test root.</summary>
public class LocalVolumeMountTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private VolumeTestRoot root = null!;

    [SetUp]
    public void SetUp()
    {
        if (!Environment.IsPrivilegedProcess) Assert.Ignore("needs root (mount)");
        root = new VolumeTestRoot();
    }

    [TearDown]
    public void TearDown() => root?.Dispose();

    [Test]
    public async Task MountAsync_TmpfsVolume_MountedForFirstUserUnmountedAfterLast()
    {
        var volumes = await root.LoadAsync();
        var opts = new Dictionary<string, string> { ["type"] = "tmpfs", ["device"] = "tmpfs", ["o"] = "size=1m,mode=0700" };
        var volume = await volumes.CreateAsync("ram", null, opts, null, None);
        Assert.That(Mountinfo.IsMountPoint(volume.Mountpoint), Is.False, "nothing is mounted before first use");

        var path = await volumes.MountAsync("ram", "c1", None);
        await volumes.MountAsync("ram", "c2", None);
        await File.WriteAllTextAsync(Path.Combine(path, "in-ram"), "x");

        Assert.That(Mountinfo.IsMountPoint(path), Is.True);
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo((UnixFileMode)Convert.ToInt32("700", 8)), "o= reached tmpfs as data");
        await volumes.UnmountAsync("ram", "c1", None);
        Assert.That(Mountinfo.IsMountPoint(path), Is.True, "c2 still uses it");
        await volumes.UnmountAsync("ram", "c2", None);
        Assert.That(Mountinfo.IsMountPoint(path), Is.False);
        Assert.That(File.Exists(Path.Combine(path, "in-ram")), Is.False, "the data lived in the tmpfs");
    }

    [Test]
    public async Task LoadAsync_StillMountedFromLastRun_AdoptedThenUnmountedWhenIdle()
    {
        var volumes = await root.LoadAsync();
        await volumes.CreateAsync("ram", null, new Dictionary<string, string> { ["type"] = "tmpfs", ["device"] = "tmpfs" }, null, None);
        var path = await volumes.MountAsync("ram", "c1", None);

        var restarted = await root.LoadAsync();
        Assert.That(restarted.Users("ram"), Is.Empty);
        await restarted.MountAsync("ram", "c1", None); // a live-restored container
        await restarted.UnmountIdleAsync(None);
        Assert.That(Mountinfo.IsMountPoint(path), Is.True, "c1 uses it");
        await restarted.UnmountAsync("ram", "c1", None);

        Assert.That(Mountinfo.IsMountPoint(path), Is.False);
    }

    [Test]
    public async Task MountAsync_BindReadOnly_RemountedReadOnly()
    {
        var host = root.Scratch("host-dir");
        await File.WriteAllTextAsync(Path.Combine(host, "seen"), "x");
        var volumes = await root.LoadAsync();
        await volumes.CreateAsync("hostbind", null, new Dictionary<string, string> { ["type"] = "none", ["device"] = host, ["o"] = "bind,ro" }, null, None);

        var path = await volumes.MountAsync("hostbind", "c1", None);

        Assert.That(await File.ReadAllTextAsync(Path.Combine(path, "seen")), Is.EqualTo("x"));
        Assert.ThrowsAsync<IOException>(() => File.WriteAllTextAsync(Path.Combine(path, "new"), "y"));
        await volumes.UnmountAsync("hostbind", "c1", None);
        await volumes.RemoveAsync("hostbind", force: false, None);
        Assert.That(File.Exists(Path.Combine(host, "seen")), Is.True, "removing a bind volume leaves the host folder alone");
    }

    [Test]
    public async Task MountAsync_BadMountData_SystemErrorAndNotMounted()
    {
        var volumes = await root.LoadAsync();
        await volumes.CreateAsync("bad", null, new Dictionary<string, string> { ["type"] = "tmpfs", ["device"] = "tmpfs", ["o"] = "size=lots,password=hunter2" }, null, None);

        var ex = Assert.ThrowsAsync<BerthException>(() => volumes.MountAsync("bad", "c1", None));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.System));
        Assert.That(ex.Message, Does.StartWith("failed to mount local volume: mount tmpfs:").And.Contain("password=********").And.Not.Contain("hunter2"));
        Assert.That(volumes.Users("bad"), Is.Empty);
    }
}
