using System.Text.Json.Nodes;
using Berth.Kernel.Stats;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Kernel.Tests.Stats;

public class StatsSamplerV1Tests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private FakeTimeProvider time = null!;
    private FakeCgroupTree tree = null!;
    private StatsSampler sampler = null!;

    [SetUp]
    public void SetUp()
    {
        time = new FakeTimeProvider(Start);
        tree = FakeCgroupTree.V1()
            .Write("memory", "memory.usage_in_bytes", "16384000\n")
            .Write("memory", "memory.max_usage_in_bytes", "20000000\n")
            .Write("memory", "memory.limit_in_bytes", "67108864\n")
            .Write("memory", "memory.failcnt", "0\n")
            .Write("memory", "memory.stat", CgroupSamples.V1MemoryStat)
            .Write("cpu,cpuacct", "cpuacct.usage", "2000000000\n")
            .Write("cpu,cpuacct", "cpuacct.usage_percpu", "1500000000 500000000 \n")
            .Write("cpu,cpuacct", "cpuacct.stat", "user 150\nsystem 50\n")
            .Write("cpu,cpuacct", "cpu.stat", "nr_periods 10\nnr_throttled 2\nthrottled_time 12345\n")
            .Write("pids", "pids.current", "3\n")
            .Write("pids", "pids.max", "max\n")
            .Write("pids", "cgroup.procs", "100\n101\n102\n")
            .Write("blkio", "blkio.throttle.io_service_bytes", CgroupSamples.V1ThrottleServiceBytes)
            .Write("blkio", "blkio.throttle.io_serviced", CgroupSamples.V1ThrottleServiced);
        sampler = new StatsSampler(time, tree.Host());
    }

    [TearDown]
    public void TearDown() => tree.Dispose();

    private JsonObject Document(StatsSample? previous = null) =>
        DockerCli.Wire(sampler.Sample(tree.Paths, previous).ToJson("c0ffee", "web", previous));

    [Test]
    public void ToJson_MemoryLimitSet_CliShowsUsageWithoutCacheAndThe64MiBLimit()
    {
        var doc = Document();

        Assert.That(DockerCli.MemLimit(doc), Is.EqualTo(FakeCgroupTree.Mib64));
        Assert.That(DockerCli.MemUsage(doc), Is.EqualTo(16384000UL - 2048000UL));
        var memory = doc["memory_stats"]!;
        Assert.That(memory["usage"]!.GetValue<ulong>(), Is.EqualTo(16384000));
        Assert.That(memory["max_usage"]!.GetValue<ulong>(), Is.EqualTo(20000000));
        Assert.That(memory.AsObject().ContainsKey("failcnt"), Is.False, "failcnt 0 is omitted");
    }

    [Test]
    public void ToJson_MemoryStats_AreDockersV1KeysOnly()
    {
        var stats = Document()["memory_stats"]!["stats"]!.AsObject();

        Assert.That(stats.Select(kv => kv.Key), Is.EquivalentTo(new[]
        {
            "active_anon", "active_file", "cache", "dirty", "hierarchical_memory_limit", "hierarchical_memsw_limit",
            "inactive_anon", "inactive_file", "mapped_file", "pgfault", "pgmajfault", "pgpgin", "pgpgout", "rss", "rss_huge",
            "total_active_anon", "total_active_file", "total_cache", "total_dirty", "total_inactive_anon", "total_inactive_file",
            "total_mapped_file", "total_pgfault", "total_pgmajfault", "total_pgpgin", "total_pgpgout", "total_rss",
            "total_rss_huge", "total_unevictable", "total_writeback", "unevictable", "writeback",
        }));
        Assert.That(stats.Select(kv => kv.Key), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(stats["hierarchical_memsw_limit"]!.GetValue<ulong>(), Is.EqualTo(9223372036854771712));
    }

    [Test]
    public void ToJson_Cpu_HasPerCpuUsageTicksInNanosecondsAndHostCounters()
    {
        var cpu = Document()["cpu_stats"]!;

        Assert.That(cpu["cpu_usage"]!["total_usage"]!.GetValue<ulong>(), Is.EqualTo(2_000_000_000));
        Assert.That(cpu["cpu_usage"]!["percpu_usage"]!.AsArray().Select(v => v!.GetValue<ulong>()), Is.EqualTo(new ulong[] { 1_500_000_000, 500_000_000 }));
        Assert.That(cpu["cpu_usage"]!["usage_in_usermode"]!.GetValue<ulong>(), Is.EqualTo(1_500_000_000));
        Assert.That(cpu["cpu_usage"]!["usage_in_kernelmode"]!.GetValue<ulong>(), Is.EqualTo(500_000_000));
        Assert.That(cpu["system_cpu_usage"]!.GetValue<ulong>(), Is.EqualTo(100_000_000_000), "10000 ticks of the first seven fields");
        Assert.That(cpu["online_cpus"]!.GetValue<uint>(), Is.EqualTo(2));
        Assert.That(cpu["throttling_data"]!["periods"]!.GetValue<ulong>(), Is.EqualTo(10));
        Assert.That(cpu["throttling_data"]!["throttled_periods"]!.GetValue<ulong>(), Is.EqualTo(2));
        Assert.That(cpu["throttling_data"]!["throttled_time"]!.GetValue<ulong>(), Is.EqualTo(12345));
    }

    [Test]
    public void ToJson_UnlimitedPids_ShowsCurrentWithoutLimit()
    {
        var doc = Document();

        Assert.That(DockerCli.Pids(doc), Is.EqualTo(3));
        Assert.That(doc["pids_stats"]!.AsObject().ContainsKey("limit"), Is.False);
    }

    [Test]
    public void ToJson_PidsLimit_IsReported()
    {
        tree.Write("pids", "pids.max", "100\n");

        Assert.That(Document()["pids_stats"]!["limit"]!.GetValue<ulong>(), Is.EqualTo(100));
    }

    [Test]
    public void ToJson_ThrottleBlkio_FillsServiceBytesAndServicedAndLeavesOtherListsEmpty()
    {
        var doc = Document();
        var blkio = doc["blkio_stats"]!;

        var first = blkio["io_service_bytes_recursive"]![0]!;
        Assert.That(first["major"]!.GetValue<ulong>(), Is.EqualTo(8));
        Assert.That(first["minor"]!.GetValue<ulong>(), Is.EqualTo(0));
        Assert.That(first["op"]!.GetValue<string>(), Is.EqualTo("Read"));
        Assert.That(first["value"]!.GetValue<ulong>(), Is.EqualTo(1048576));
        Assert.That(blkio["io_service_bytes_recursive"]!.AsArray(), Has.Count.EqualTo(6), "the grand Total line is skipped");
        Assert.That(blkio["io_serviced_recursive"]!.AsArray(), Has.Count.EqualTo(6));
        foreach (var empty in new[] { "io_queue_recursive", "io_service_time_recursive", "io_wait_time_recursive", "io_merged_recursive", "io_time_recursive", "sectors_recursive" })
            Assert.That(blkio[empty]!.AsArray(), Is.Empty, empty);
        Assert.That(DockerCli.BlockIo(doc), Is.EqualTo((1048576UL, 2097152UL)));
    }

    [Test]
    public void ToJson_CfqFilesWithData_AreUsedInsteadOfThrottle()
    {
        tree.Write("blkio", "blkio.io_serviced_recursive", "8:0 Read 3\n8:0 Write 4\nTotal 7\n")
            .Write("blkio", "blkio.io_service_bytes_recursive", "8:0 Read 300\n8:0 Write 400\nTotal 700\n")
            .Write("blkio", "blkio.time_recursive", "8:0 55\n");

        var blkio = Document()["blkio_stats"]!;

        Assert.That(blkio["io_service_bytes_recursive"]!.AsArray().Select(e => e!["value"]!.GetValue<ulong>()), Is.EqualTo(new ulong[] { 300, 400 }));
        Assert.That(blkio["io_time_recursive"]![0]!["op"]!.GetValue<string>(), Is.EqualTo(""));
        Assert.That(blkio["io_time_recursive"]![0]!["value"]!.GetValue<ulong>(), Is.EqualTo(55));
    }

    [Test]
    public void ToJson_UnlimitedMemory_LimitIsCappedToMemTotal()
    {
        tree.Write("memory", "memory.limit_in_bytes", "9223372036854771712\n");

        Assert.That(DockerCli.MemLimit(Document()), Is.EqualTo(FakeCgroupTree.MemTotal));
    }

    [Test]
    public void ToJson_SecondSample_CarriesPreviousCpuAndReadTime()
    {
        var first = sampler.Sample(tree.Paths, null);
        time.Advance(TimeSpan.FromSeconds(1));
        tree.Write("cpu,cpuacct", "cpuacct.usage", "2500000000\n");
        File.WriteAllText(Path.Combine(tree.ProcRoot, "stat"), FakeCgroupTree.ProcStat.Replace("cpu  4000", "cpu  4100", StringComparison.Ordinal));

        var doc = DockerCli.Wire(sampler.Sample(tree.Paths, first).ToJson("c0ffee", "web", first));

        Assert.That(doc["read"]!.GetValue<string>(), Is.EqualTo("2025-03-01T12:00:01Z"));
        Assert.That(doc["preread"]!.GetValue<string>(), Is.EqualTo("2025-03-01T12:00:00Z"));
        Assert.That(doc["precpu_stats"]!["cpu_usage"]!["total_usage"]!.GetValue<ulong>(), Is.EqualTo(2_000_000_000));
        Assert.That(doc["precpu_stats"]!["system_cpu_usage"]!.GetValue<ulong>(), Is.EqualTo(100_000_000_000));
        Assert.That(DockerCli.CpuPercent(doc), Is.EqualTo(100.0).Within(1e-9), "half a CPU-second of one system second over 2 CPUs");
    }

    [Test]
    public void ToJson_NoPrevious_PrereadIsZeroTimeAndPrecpuIsZero()
    {
        var doc = Document();

        Assert.That(doc["preread"]!.GetValue<string>(), Is.EqualTo("0001-01-01T00:00:00Z"));
        Assert.That(doc["precpu_stats"]!["cpu_usage"]!["total_usage"]!.GetValue<ulong>(), Is.Zero);
        Assert.That(doc["precpu_stats"]!.AsObject().ContainsKey("system_cpu_usage"), Is.False);
    }

    [Test]
    public void ToJson_Document_HasDockersTopLevelFieldsInOrder()
    {
        var doc = Document();

        Assert.That(doc.Select(kv => kv.Key), Is.EqualTo(new[]
        {
            "name", "id", "read", "preread", "pids_stats", "blkio_stats", "num_procs", "storage_stats", "cpu_stats", "precpu_stats", "memory_stats",
        }));
        Assert.That(doc["name"]!.GetValue<string>(), Is.EqualTo("/web"));
        Assert.That(doc["id"]!.GetValue<string>(), Is.EqualTo("c0ffee"));
        Assert.That(doc["num_procs"]!.GetValue<int>(), Is.Zero);
        Assert.That(doc["storage_stats"]!.AsObject(), Is.Empty);
    }

    [Test]
    public void Sample_VanishedCgroup_IsNotRunning()
    {
        var paths = tree.Paths;
        tree.Vanish();

        Assert.That(sampler.Sample(paths, null), Is.SameAs(StatsSample.NotRunning));
    }
}
