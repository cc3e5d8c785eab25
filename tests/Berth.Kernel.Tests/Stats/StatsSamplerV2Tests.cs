using System.Text.Json.Nodes;
using Berth.Kernel.Stats;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Kernel.Tests.Stats;

public class StatsSamplerV2Tests
{
    private FakeTimeProvider time = null!;
    private FakeCgroupTree tree = null!;
    private StatsSampler sampler = null!;

    [SetUp]
    public void SetUp()
    {
        time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        tree = FakeCgroupTree.V2()
            .Write("", "cpu.stat", "usage_usec 2000000\nuser_usec 1500000\nsystem_usec 500000\nnr_periods 10\nnr_throttled 2\nthrottled_usec 12\nnr_bursts 0\nburst_usec 0\n")
            .Write("", "memory.current", "16384000\n")
            .Write("", "memory.max", "67108864\n")
            .Write("", "memory.stat", CgroupSamples.V2MemoryStat)
            .Write("", "memory.events", "low 0\nhigh 0\nmax 40\noom 1\noom_kill 1\noom_group_kill 0\n")
            .Write("", "pids.current", "3\n")
            .Write("", "pids.max", "max\n")
            .Write("", "io.stat", CgroupSamples.V2IoStat)
            .Write("", "cgroup.procs", "100\n101\n102\n");
        sampler = new StatsSampler(time, tree.Host());
    }

    [TearDown]
    public void TearDown() => tree.Dispose();

    private JsonObject Document() => DockerCli.Wire(sampler.Sample(tree.Paths, null).ToJson("c0ffee", "web", null));

    [Test]
    public void ToJson_MemoryLimitSet_CliShowsUsageWithoutInactiveFileAndThe64MiBLimit()
    {
        var doc = Document();

        Assert.That(DockerCli.MemLimit(doc), Is.EqualTo(FakeCgroupTree.Mib64));
        Assert.That(DockerCli.MemUsage(doc), Is.EqualTo(16384000UL - 2048000UL));
        Assert.That(doc["memory_stats"]!.AsObject().ContainsKey("max_usage"), Is.False);
        Assert.That(doc["memory_stats"]!["failcnt"]!.GetValue<ulong>(), Is.EqualTo(1), "the oom count of memory.events");
    }

    [Test]
    public void ToJson_MemoryStats_AreDockersV2KeysOnly()
    {
        var stats = Document()["memory_stats"]!["stats"]!.AsObject();

        Assert.That(stats, Has.Count.EqualTo(31));
        Assert.That(stats.ContainsKey("total_inactive_file"), Is.False, "the CLI tells v1 by this key");
        Assert.That(stats.ContainsKey("zswap"), Is.False);
        Assert.That(stats["anon"]!.GetValue<ulong>(), Is.EqualTo(10240000));
        Assert.That(stats["slab"]!.GetValue<ulong>(), Is.EqualTo(90000));
        Assert.That(stats["workingset_refault"]!.GetValue<ulong>(), Is.Zero, "split into _anon/_file by newer kernels, as containerd reads it");
    }

    [Test]
    public void ToJson_Cpu_IsMicrosecondsAsNanosecondsWithoutPerCpu()
    {
        var cpu = Document()["cpu_stats"]!;

        Assert.That(cpu["cpu_usage"]!["total_usage"]!.GetValue<ulong>(), Is.EqualTo(2_000_000_000));
        Assert.That(cpu["cpu_usage"]!.AsObject().ContainsKey("percpu_usage"), Is.False);
        Assert.That(cpu["cpu_usage"]!["usage_in_usermode"]!.GetValue<ulong>(), Is.EqualTo(1_500_000_000));
        Assert.That(cpu["cpu_usage"]!["usage_in_kernelmode"]!.GetValue<ulong>(), Is.EqualTo(500_000_000));
        Assert.That(cpu["throttling_data"]!["throttled_time"]!.GetValue<ulong>(), Is.EqualTo(12_000));
        Assert.That(cpu["online_cpus"]!.GetValue<uint>(), Is.EqualTo(2));
    }

    [Test]
    public void ToJson_UnlimitedPids_LimitIsMaxUint64AsContainerdReadsIt()
    {
        var pids = Document()["pids_stats"]!;

        Assert.That(pids["current"]!.GetValue<ulong>(), Is.EqualTo(3));
        Assert.That(pids["limit"]!.GetValue<ulong>(), Is.EqualTo(ulong.MaxValue));
    }

    [Test]
    public void ToJson_IoStat_GivesReadAndWritePerDeviceAndNullOtherLists()
    {
        var doc = Document();
        var blkio = doc["blkio_stats"]!.AsObject();

        var entries = blkio["io_service_bytes_recursive"]!.AsArray();
        Assert.That(entries.Select(e => $"{e!["major"]}:{e["minor"]} {e["op"]} {e["value"]}"),
            Is.EqualTo(new[] { "8:0 read 1048576", "8:0 write 2097152", "253:1 read 4096", "253:1 write 0" }));
        foreach (var key in new[] { "io_serviced_recursive", "io_queue_recursive", "io_service_time_recursive", "io_wait_time_recursive", "io_merged_recursive", "io_time_recursive", "sectors_recursive" })
        {
            Assert.That(blkio.ContainsKey(key), Is.True, key);
            Assert.That(blkio[key], Is.Null, key);
        }
        Assert.That(DockerCli.BlockIo(doc), Is.EqualTo((1052672UL, 2097152UL)));
    }

    [Test]
    public void ToJson_EmptyIoStat_ServiceBytesIsNull()
    {
        tree.Write("", "io.stat", "");

        Assert.That(Document()["blkio_stats"]!["io_service_bytes_recursive"], Is.Null);
    }

    [Test]
    public void ToJson_UnlimitedMemory_LimitIsCappedToMemTotal()
    {
        tree.Write("", "memory.max", "max\n");

        Assert.That(DockerCli.MemLimit(Document()), Is.EqualTo(FakeCgroupTree.MemTotal));
    }

    [Test]
    public void Sample_VanishedCgroup_IsNotRunning()
    {
        var paths = tree.Paths;
        tree.Vanish();

        Assert.That(sampler.Sample(paths, null).Running, Is.False);
    }
}
