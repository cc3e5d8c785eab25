using System.Text.Json.Nodes;
using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;
using static Berth.Kernel.Tests.Runtime.Spec.SpecFixtures;

namespace Berth.Kernel.Tests.Runtime.Spec;

public class OciSpecBuilderMountTests
{
    [Test]
    public void Build_Defaults_MobysMountsWith64MiBShm()
    {
        var spec = Build();

        Assert.That(MountDestinations(spec), Is.EqualTo(new[] { "/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/dev/shm" }));
        Assert.That(Strings(Mount(spec, "/dev")!["options"]), Is.EqualTo(new[] { "nosuid", "strictatime", "mode=755", "size=65536k" }));
        Assert.That(Strings(Mount(spec, "/dev/pts")!["options"]), Is.EqualTo(new[] { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" }));
        Assert.That(Strings(Mount(spec, "/sys")!["options"]), Is.EqualTo(new[] { "nosuid", "noexec", "nodev", "ro" }));
        Assert.That(Strings(Mount(spec, "/dev/shm")!["options"]), Is.EqualTo(new[] { "nosuid", "noexec", "nodev", "mode=1777", "size=67108864" }));
    }

    [Test]
    public void Build_ShmSize_SetsTheShmSizeOption()
    {
        var spec = Build(hostConfig: new JsonObject { ["ShmSize"] = 1048576 });

        Assert.That(Strings(Mount(spec, "/dev/shm")!["options"]), Does.Contain("size=1048576"));
    }

    [Test]
    public void Build_KernelPassesShm_ReplacesTheDefault()
    {
        var spec = Build(mounts: [new OciMount("/dev/shm", "bind", "/var/lib/berth/shm", ["rbind", "rprivate"])]);

        var shm = spec["mounts"]!.AsArray().Where(m => m!["destination"]!.GetValue<string>() == "/dev/shm").ToList();
        Assert.That(shm, Has.Count.EqualTo(1));
        Assert.That(shm[0]!["source"]!.GetValue<string>(), Is.EqualTo("/var/lib/berth/shm"));
    }

    [Test]
    public void Build_IpcNone_HasNoShm()
    {
        Assert.That(MountDestinations(Build(hostConfig: new JsonObject { ["IpcMode"] = "none" })), Does.Not.Contain("/dev/shm"));
    }

    [Test]
    public void Build_UserMountsOverDev_DropsEveryDefaultUnderDev()
    {
        var spec = Build(mounts: [new OciMount("/dev", "bind", "/dev", ["rbind"])]);

        Assert.That(MountDestinations(spec), Is.EqualTo(new[] { "/proc", "/sys", "/sys/fs/cgroup", "/dev" }));
    }

    [Test]
    public void Build_UserMounts_FollowDefaultsSortedByDepth()
    {
        var spec = Build(mounts:
        [
            new OciMount("/etc/resolv.conf", "bind", "/r", ["rbind"]),
            new OciMount("/data/cache/x", "bind", "/x", ["rbind"]),
            new OciMount("/etc", "bind", "/e", ["rbind"]),
            new OciMount("/etc/hosts", "bind", "/h", ["rbind"]),
        ]);

        Assert.That(MountDestinations(spec).Skip(7), Is.EqualTo(new[] { "/etc", "/etc/resolv.conf", "/etc/hosts", "/data/cache/x" }));
    }

    [Test]
    public void Build_SameDestinationTwice_LaterMountWins()
    {
        var spec = Build(mounts: [new OciMount("/data", "bind", "/first", ["rbind"]), new OciMount("/data", "bind", "/second", ["rbind", ""])]);

        var data = spec["mounts"]!.AsArray().Where(m => m!["destination"]!.GetValue<string>() == "/data").ToList();
        Assert.That(data, Has.Count.EqualTo(1));
        Assert.That(data[0]!["source"]!.GetValue<string>(), Is.EqualTo("/second"));
        Assert.That(Strings(data[0]!["options"]), Is.EqualTo(new[] { "rbind" }));
    }

    [Test]
    public void Build_TmpfsMap_AddsTmpfsWithMergedOptions()
    {
        var spec = Build(hostConfig: new JsonObject { ["Tmpfs"] = new JsonObject { ["/run"] = "rw,exec,size=64m" } });

        var run = Mount(spec, "/run")!;
        Assert.That(run["type"]!.GetValue<string>(), Is.EqualTo("tmpfs"));
        Assert.That(Strings(run["options"]), Is.EqualTo(new[] { "nosuid", "nodev", "rprivate", "rw", "exec", "size=64m" }));
    }

    [Test]
    public void Build_TmpfsMapDestinationAlsoInKernelMounts_KernelMountKept()
    {
        var spec = Build(hostConfig: new JsonObject { ["Tmpfs"] = new JsonObject { ["/run"] = "" } },
            mounts: [new OciMount("/run", "bind", "/somewhere", ["rbind"])]);

        Assert.That(Mount(spec, "/run")!["type"]!.GetValue<string>(), Is.EqualTo("bind"));
    }

    [Test]
    public void Build_BadTmpfsOption_ThrowsMobysMessage()
    {
        var ex = Assert.Throws<BerthException>(() => Build(hostConfig: new JsonObject { ["Tmpfs"] = new JsonObject { ["/run"] = "bogus" } }))!;

        Assert.That(ex.Message, Is.EqualTo("invalid tmpfs option [\"bogus\"]"));
    }

    [Test]
    public void Build_ReadonlyRootfs_AddsRoToDefaultsExceptProcDevAndUserMounts()
    {
        var spec = Build(hostConfig: new JsonObject { ["ReadonlyRootfs"] = true, ["Init"] = true },
            mounts: [new OciMount("/data", "bind", "/d", ["rbind", "rw"])]);

        Assert.That(Strings(Mount(spec, "/proc")!["options"]), Does.Not.Contain("ro"));
        Assert.That(Strings(Mount(spec, "/dev/shm")!["options"]), Does.Not.Contain("ro"));
        Assert.That(Strings(Mount(spec, "/sys/fs/cgroup")!["options"]).Count(o => o == "ro"), Is.EqualTo(1));
        Assert.That(Strings(Mount(spec, "/data")!["options"]), Does.Not.Contain("ro"));
    }

    [Test]
    public void Build_Privileged_SysAndCgroupsWritable()
    {
        var spec = Build(hostConfig: new JsonObject { ["Privileged"] = true });

        Assert.That(Strings(Mount(spec, "/sys")!["options"]), Does.Not.Contain("ro"));
        Assert.That(Strings(Mount(spec, "/sys/fs/cgroup")!["options"]), Does.Not.Contain("ro"));
    }

    [Test]
    public void Build_WritableCgroupsOption_ClearsRoOnlyOnCgroup()
    {
        var spec = Build(hostConfig: new JsonObject { ["SecurityOpt"] = Json("writable-cgroups=true") });

        Assert.That(Strings(Mount(spec, "/sys/fs/cgroup")!["options"]), Does.Not.Contain("ro"));
        Assert.That(Strings(Mount(spec, "/sys")!["options"]), Does.Contain("ro"));
    }

    [TestCase("rshared", "shared")]
    [TestCase("rslave", "rslave")]
    public void Build_PropagatingBind_SetsRootfsPropagation(string propagation, string expected)
    {
        var spec = Build(mounts: [new OciMount("/data", "bind", "/d", ["rbind", "rw", propagation])]);

        Assert.That(spec["linux"]!["rootfsPropagation"]!.GetValue<string>(), Is.EqualTo(expected));
    }
}
