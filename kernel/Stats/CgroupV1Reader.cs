namespace Berth.Kernel.Stats;

/// <summary>Reads a container's v1 hierarchies the way containerd's cgroup1 metrics do (and dockerd converts them).</summary>
internal static class CgroupV1Reader
{
    private const ulong NanosecondsPerTick = 1_000_000_000 / HostCounters.ClockTicksPerSecond;

    public static CgroupReading Read(CgroupPaths paths) =>
        new(ReadCpu(paths), ReadMemory(paths.Memory), ReadPids(paths.Pids), CgroupV1Blkio.Read(paths.Blkio));

    private static CpuCounters ReadCpu(CgroupPaths paths)
    {
        var acct = CgroupFiles.ReadKeyed(paths.CpuAcct, "cpuacct.stat");
        var throttling = CgroupFiles.ReadKeyed(paths.Cpu, "cpu.stat");
        return new CpuCounters(
            TotalUsage: CgroupFiles.ReadUInt(paths.CpuAcct, "cpuacct.usage"),
            PerCpu: CgroupFiles.ReadList(paths.CpuAcct, "cpuacct.usage_percpu"),
            KernelMode: acct.GetValueOrDefault("system") * NanosecondsPerTick,
            UserMode: acct.GetValueOrDefault("user") * NanosecondsPerTick,
            Periods: throttling.GetValueOrDefault("nr_periods"),
            ThrottledPeriods: throttling.GetValueOrDefault("nr_throttled"),
            ThrottledTime: throttling.GetValueOrDefault("throttled_time"),
            SystemUsage: 0,
            OnlineCpus: 0);
    }

    private static MemoryCounters ReadMemory(string? dir) => new(
        Usage: CgroupFiles.ReadUInt(dir, "memory.usage_in_bytes"),
        MaxUsage: CgroupFiles.ReadUInt(dir, "memory.max_usage_in_bytes"),
        Limit: CgroupFiles.ReadUInt(dir, "memory.limit_in_bytes"),
        Failcnt: CgroupFiles.ReadUInt(dir, "memory.failcnt"),
        Stats: DockerMemoryKeys.Pick(CgroupFiles.ReadKeyed(dir, "memory.stat"), DockerMemoryKeys.V1));

    /// <summary>containerd's cgroup1 pids: an unlimited <c>max</c> reads 0 (so the field is left out).</summary>
    private static PidsCounters ReadPids(string? dir)
    {
        var max = CgroupFiles.ReadUInt(dir, "pids.max");
        return new PidsCounters(CgroupFiles.ReadUInt(dir, "pids.current"), max == ulong.MaxValue ? 0 : max);
    }
}
