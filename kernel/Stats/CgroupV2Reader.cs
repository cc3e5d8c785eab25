namespace Berth.Kernel.Stats;

/// <summary>Reads a container's cgroup2 directory the way containerd's cgroup2 metrics do (and dockerd converts them).</summary>
internal static class CgroupV2Reader
{
    public static CgroupReading Read(CgroupPaths paths)
    {
        var dir = paths.Unified;
        return new CgroupReading(ReadCpu(dir), ReadMemory(dir), ReadPids(dir), ReadIo(dir));
    }

    /// <summary>cpu.stat is in microseconds; Docker reports nanoseconds and has no per-CPU usage on v2.</summary>
    private static CpuCounters ReadCpu(string? dir)
    {
        var stat = CgroupFiles.ReadKeyed(dir, "cpu.stat");
        return new CpuCounters(
            TotalUsage: stat.GetValueOrDefault("usage_usec") * 1000,
            PerCpu: null,
            KernelMode: stat.GetValueOrDefault("system_usec") * 1000,
            UserMode: stat.GetValueOrDefault("user_usec") * 1000,
            Periods: stat.GetValueOrDefault("nr_periods"),
            ThrottledPeriods: stat.GetValueOrDefault("nr_throttled"),
            ThrottledTime: stat.GetValueOrDefault("throttled_usec") * 1000,
            SystemUsage: 0,
            OnlineCpus: 0);
    }

    /// <summary>No max_usage on v2; failcnt is the <c>oom</c> count of memory.events.</summary>
    private static MemoryCounters ReadMemory(string? dir) => new(
        Usage: CgroupFiles.ReadUInt(dir, "memory.current"),
        MaxUsage: 0,
        Limit: CgroupFiles.ReadUInt(dir, "memory.max"),
        Failcnt: CgroupFiles.ReadKeyed(dir, "memory.events").GetValueOrDefault("oom"),
        Stats: DockerMemoryKeys.Pick(CgroupFiles.ReadKeyed(dir, "memory.stat"), DockerMemoryKeys.V2));

    private static PidsCounters ReadPids(string? dir) =>
        new(CgroupFiles.ReadUInt(dir, "pids.current"), CgroupFiles.ReadUInt(dir, "pids.max"));

    /// <summary>io.stat lines <c>maj:min rbytes=… wbytes=… rios=…</c> become a read and a write entry each; nothing read is null.</summary>
    private static BlkioCounters ReadIo(string? dir)
    {
        List<BlkioEntry>? entries = null;
        foreach (var line in (CgroupFiles.ReadText(dir, "io.stat") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var device = fields[0].Split(':');
            if (device.Length != 2) continue;
            var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (var pair in fields.Skip(1).Select(f => f.Split('=', 2)).Where(kv => kv.Length == 2))
                values[pair[0]] = CgroupFiles.ParseUInt(pair[1]);
            var (major, minor) = (CgroupFiles.ParseUInt(device[0]), CgroupFiles.ParseUInt(device[1]));
            entries ??= [];
            entries.Add(new BlkioEntry(major, minor, "read", values.GetValueOrDefault("rbytes")));
            entries.Add(new BlkioEntry(major, minor, "write", values.GetValueOrDefault("wbytes")));
        }
        return BlkioCounters.None with { ServiceBytes = entries };
    }
}
