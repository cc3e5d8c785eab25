namespace Berth.Kernel.Tests.Stats;

public class CgroupPathsTests
{
    [Test]
    public void ReadPids_V1_ListsCgroupProcs()
    {
        using var tree = FakeCgroupTree.V1().Write("pids", "cgroup.procs", "4242\n4243\n");

        Assert.That(tree.Paths.ReadPids(), Is.EqualTo(new[] { 4242, 4243 }));
    }

    [Test]
    public void ReadPids_V1WithoutPidsHierarchy_FallsBackToAnotherController()
    {
        using var tree = FakeCgroupTree.V1().Write("memory", "cgroup.procs", "7\n");
        Directory.Delete(tree.Dir("pids"));

        Assert.That(tree.Paths.ReadPids(), Is.EqualTo(new[] { 7 }));
    }

    [Test]
    public void ReadPids_V2_ListsCgroupProcs()
    {
        using var tree = FakeCgroupTree.V2().Write("", "cgroup.procs", "1\n99\n");

        Assert.That(tree.Paths.ReadPids(), Is.EqualTo(new[] { 1, 99 }));
    }

    [Test]
    public void ReadPids_VanishedCgroup_IsEmpty()
    {
        using var tree = FakeCgroupTree.Hybrid().Write("pids", "cgroup.procs", "5\n");
        var paths = tree.Paths;
        tree.Vanish();

        Assert.That(paths.ReadPids(), Is.Empty);
        Assert.That(paths.Exists, Is.False);
    }

    [Test]
    public void ReadOomKillCount_V2_IsOomKillOfMemoryEvents()
    {
        using var tree = FakeCgroupTree.V2().Write("", "memory.events", "low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n");

        Assert.That(tree.Paths.ReadOomKillCount(), Is.EqualTo(2));
    }

    [Test]
    public void ReadOomKillCount_V1_IsOomKillOfOomControl()
    {
        using var tree = FakeCgroupTree.Hybrid().Write("memory", "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");

        Assert.That(tree.Paths.ReadOomKillCount(), Is.EqualTo(1));
    }

    [Test]
    public void ReadOomKillCount_OldKernelOrVanished_IsZero()
    {
        using var tree = FakeCgroupTree.V1().Write("memory", "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\n");
        Assert.That(tree.Paths.ReadOomKillCount(), Is.Zero);

        tree.Vanish();
        Assert.That(tree.Paths.ReadOomKillCount(), Is.Zero);
    }
}
