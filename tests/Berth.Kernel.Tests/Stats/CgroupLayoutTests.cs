using Berth.Kernel.Stats;

namespace Berth.Kernel.Tests.Stats;

public class CgroupLayoutTests
{
    private const string HybridMountinfo = """
        23 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
        39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    private const string V1CoMountedMountinfo = """
        30 24 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
        34 30 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,cpu,cpuacct
        35 30 0:31 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,memory
        36 30 0:32 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,pids
        """;

    private const string V2Mountinfo = """
        25 30 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
        26 25 0:24 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:8 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
        """;

    [Test]
    public void FromMounts_V1ControllersBesideCgroup2_IsHybridWithEachController()
    {
        var layout = CgroupLayout.FromMounts(CgroupMountTable.ParseMountinfo(HybridMountinfo));

        Assert.That(layout.Version, Is.EqualTo(CgroupVersion.Hybrid));
        Assert.That(layout.Controllers["cpu"], Is.EqualTo("/sys/fs/cgroup/cpu"));
        Assert.That(layout.Controllers["cpuacct"], Is.EqualTo("/sys/fs/cgroup/cpuacct"));
        Assert.That(layout.Controllers["memory"], Is.EqualTo("/sys/fs/cgroup/memory"));
        Assert.That(layout.Controllers.Keys, Does.Not.Contain("name=systemd"));
        Assert.That(layout.UnifiedMount, Is.EqualTo("/sys/fs/cgroup/unified"));
    }

    [Test]
    public void FromMounts_CoMountedCpuAndCpuacct_BothMapToTheSameHierarchy()
    {
        var layout = CgroupLayout.FromMounts(CgroupMountTable.ParseMountinfo(V1CoMountedMountinfo));

        Assert.That(layout.Version, Is.EqualTo(CgroupVersion.V1));
        Assert.That(layout.Controllers["cpu"], Is.EqualTo("/sys/fs/cgroup/cpu,cpuacct"));
        Assert.That(layout.Controllers["cpuacct"], Is.EqualTo("/sys/fs/cgroup/cpu,cpuacct"));
        Assert.That(layout.UnifiedMount, Is.Null);
    }

    [Test]
    public void FromMounts_OnlyCgroup2_IsV2()
    {
        var layout = CgroupLayout.FromMounts(CgroupMountTable.ParseMountinfo(V2Mountinfo));

        Assert.That(layout.Version, Is.EqualTo(CgroupVersion.V2));
        Assert.That(layout.Controllers, Is.Empty);
        Assert.That(layout.UnifiedMount, Is.EqualTo("/sys/fs/cgroup"));
    }

    [Test]
    public void ParseMounts_ProcMountsFormat_FindsTheSameMounts()
    {
        var mounts = CgroupMountTable.ParseMounts("cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nosuid 0 0\ncgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n");

        var layout = CgroupLayout.FromMounts(mounts);

        Assert.That(layout.Version, Is.EqualTo(CgroupVersion.Hybrid));
        Assert.That(layout.Controllers["memory"], Is.EqualTo("/sys/fs/cgroup/memory"));
    }

    [Test]
    public void ParseMountinfo_EscapedSpaceInMountPoint_IsUnescaped()
    {
        var mounts = CgroupMountTable.ParseMountinfo("40 31 0:37 / /tmp/my\\040cgroups rw - cgroup2 cgroup2 rw\n");

        Assert.That(mounts.Single().MountPoint, Is.EqualTo("/tmp/my cgroups"));
    }

    [Test]
    public void Detect_FakeProcWithMountinfo_ReadsIt()
    {
        using var tree = FakeCgroupTree.V2();
        Directory.CreateDirectory(Path.Combine(tree.ProcRoot, "self"));
        File.WriteAllText(Path.Combine(tree.ProcRoot, "self", "mountinfo"), HybridMountinfo);

        Assert.That(CgroupLayout.Detect(tree.ProcRoot).Version, Is.EqualTo(CgroupVersion.Hybrid));
    }

    [Test]
    public void Detect_ThisMachine_FindsSomeHierarchy()
    {
        var layout = CgroupLayout.Detect();

        Assert.That(layout.Controllers.Count > 0 || layout.UnifiedMount is not null, layout.Describe());
    }

    [Test]
    public void ForContainer_Hybrid_JoinsThePathUnderEveryHierarchy()
    {
        var layout = CgroupLayout.FromMounts(CgroupMountTable.ParseMountinfo(HybridMountinfo));

        var paths = layout.ForContainer("/berth/abc");

        Assert.That(paths.Memory, Is.EqualTo("/sys/fs/cgroup/memory/berth/abc"));
        Assert.That(paths.Cpu, Is.EqualTo("/sys/fs/cgroup/cpu/berth/abc"));
        Assert.That(paths.CpuAcct, Is.EqualTo("/sys/fs/cgroup/cpuacct/berth/abc"));
        Assert.That(paths.Unified, Is.EqualTo("/sys/fs/cgroup/unified/berth/abc"));
        Assert.That(paths.IsV2, Is.False);
    }

    [Test]
    public void ForContainer_V2_UsesTheUnifiedDirectory()
    {
        var paths = CgroupLayout.FromMounts(CgroupMountTable.ParseMountinfo(V2Mountinfo)).ForContainer("/berth/abc");

        Assert.That(paths.Unified, Is.EqualTo("/sys/fs/cgroup/berth/abc"));
        Assert.That(paths.Memory, Is.Null);
        Assert.That(paths.IsV2, Is.True);
    }

    [Test]
    public void ForContainer_PathClimbingOut_Throws()
    {
        var layout = CgroupLayout.FromMounts(CgroupMountTable.ParseMountinfo(V2Mountinfo));

        Assert.Throws<ArgumentException>(() => layout.ForContainer("/berth/../../etc"));
    }

    [Test]
    public void FromTree_FakeTrees_DetectEachVersion()
    {
        using var v1 = FakeCgroupTree.V1();
        using var v2 = FakeCgroupTree.V2();
        using var hybrid = FakeCgroupTree.Hybrid();

        Assert.That(v1.Layout.Version, Is.EqualTo(CgroupVersion.V1));
        Assert.That(v1.Layout.Controllers["cpuacct"], Is.EqualTo(Path.Combine(v1.CgroupRoot, "cpu,cpuacct")));
        Assert.That(v2.Layout.Version, Is.EqualTo(CgroupVersion.V2));
        Assert.That(v2.Layout.UnifiedMount, Is.EqualTo(v2.CgroupRoot));
        Assert.That(hybrid.Layout.Version, Is.EqualTo(CgroupVersion.Hybrid));
        Assert.That(hybrid.Layout.UnifiedMount, Is.EqualTo(Path.Combine(hybrid.CgroupRoot, "unified")));
    }

    [Test]
    public void Describe_Hybrid_NamesVersionControllersAndUnifiedMount()
    {
        var text = CgroupLayout.FromMounts(CgroupMountTable.ParseMountinfo(HybridMountinfo)).Describe();

        Assert.That(text, Does.StartWith("cgroup v1 (hybrid): "));
        Assert.That(text, Does.Contain("memory=/sys/fs/cgroup/memory"));
        Assert.That(text, Does.EndWith("unified=/sys/fs/cgroup/unified"));
    }

    [Test]
    public void Describe_V2_NamesTheMount()
    {
        Assert.That(CgroupLayout.FromMounts(CgroupMountTable.ParseMountinfo(V2Mountinfo)).Describe(), Is.EqualTo("cgroup v2 at /sys/fs/cgroup"));
    }
}
