using Berth.Kernel.Stats;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Kernel.Tests.Stats;

public class StatsSamplerHybridTests
{
    [Test]
    public void ToJson_Hybrid_ReadsTheV1ControllersInSeparateCpuAndCpuacctHierarchies()
    {
        using var tree = FakeCgroupTree.Hybrid()
            .Write("memory", "memory.usage_in_bytes", "8192000\n")
            .Write("memory", "memory.limit_in_bytes", "67108864\n")
            .Write("memory", "memory.stat", CgroupSamples.V1MemoryStat)
            .Write("cpuacct", "cpuacct.usage", "42\n")
            .Write("cpuacct", "cpuacct.usage_percpu", "40 2\n")
            .Write("cpu", "cpu.stat", "nr_periods 5\nnr_throttled 1\nthrottled_time 9\n")
            .Write("pids", "pids.current", "1\n")
            .Write("blkio", "blkio.throttle.io_service_bytes_recursive", CgroupSamples.V1ThrottleServiceBytes)
            .Write("unified", "cpu.stat", "usage_usec 999\n");
        var sampler = new StatsSampler(new FakeTimeProvider(), tree.Host());

        var doc = DockerCli.Wire(sampler.Sample(tree.Paths, null).ToJson("c0ffee", "web", null));

        Assert.That(tree.Paths.Version, Is.EqualTo(CgroupVersion.Hybrid));
        Assert.That(DockerCli.MemLimit(doc), Is.EqualTo(FakeCgroupTree.Mib64));
        Assert.That(DockerCli.MemUsage(doc), Is.EqualTo(8192000UL - 2048000UL));
        Assert.That(doc["memory_stats"]!["stats"]!.AsObject().ContainsKey("total_inactive_file"), Is.True);
        Assert.That(doc["cpu_stats"]!["cpu_usage"]!["total_usage"]!.GetValue<ulong>(), Is.EqualTo(42), "v1 cpuacct, not the unified cpu.stat");
        Assert.That(doc["cpu_stats"]!["cpu_usage"]!["percpu_usage"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That(doc["cpu_stats"]!["throttling_data"]!["periods"]!.GetValue<ulong>(), Is.EqualTo(5));
        Assert.That(DockerCli.Pids(doc), Is.EqualTo(1));
        Assert.That(DockerCli.BlockIo(doc), Is.EqualTo((1048576UL, 2097152UL)), "the _recursive throttle file");
        Assert.That(doc["blkio_stats"]!["io_serviced_recursive"]!.AsArray(), Is.Empty);
    }
}
