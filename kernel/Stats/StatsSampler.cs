namespace Berth.Kernel.Stats;

/// <summary>
/// Takes stats samples: the container's cgroup counters (v1 files on V1 and Hybrid hosts, cgroup2 files on V2), the
/// host's CPU time and online CPUs, and the memory limit capped to the host's memory as dockerd does for an unlimited
/// container (v1 reports ~2^63, v2 <c>max</c>).
/// </summary>
public sealed class StatsSampler(TimeProvider time, HostCounters? host = null)
{
    public TimeProvider Time { get; } = time ?? throw new ArgumentNullException(nameof(time));

    public HostCounters Host { get; } = host ?? new HostCounters();

    /// <summary>
    /// Reads the counters now. A null or vanished cgroup gives <see cref="StatsSample.NotRunning"/>.
    /// <paramref name="previous"/> is not needed to read (every counter is cumulative); pass it to
    /// <see cref="StatsSample.ToJson"/> for the pre-fields.
    /// </summary>
    public StatsSample Sample(CgroupPaths? paths, StatsSample? previous)
    {
        _ = previous;
        if (paths is null || !paths.Exists) return StatsSample.NotRunning;
        var read = Time.GetUtcNow();
        var reading = paths.IsV2 ? CgroupV2Reader.Read(paths) : CgroupV1Reader.Read(paths);
        var (systemUsage, onlineCpus) = Host.ReadCpu();
        if (!paths.Exists) return StatsSample.NotRunning;
        var memTotal = Host.MemTotal;
        var memory = reading.Memory.Limit > memTotal && memTotal > 0 ? reading.Memory with { Limit = memTotal } : reading.Memory;
        return new StatsSample(
            read,
            Running: true,
            reading.Cpu with { SystemUsage = systemUsage, OnlineCpus = onlineCpus },
            memory,
            reading.Pids,
            reading.Blkio);
    }
}
