namespace Berth.Kernel.Stats;

/// <summary>cpu_stats as Docker reports it; all times in nanoseconds.</summary>
/// <param name="PerCpu">cpuacct.usage_percpu (v1 only), else null.</param>
/// <param name="SystemUsage">The host's /proc/stat cpu line (first seven fields) in nanoseconds.</param>
/// <param name="OnlineCpus">The host's cpuN lines in /proc/stat.</param>
public sealed record CpuCounters(
    ulong TotalUsage,
    IReadOnlyList<ulong>? PerCpu,
    ulong KernelMode,
    ulong UserMode,
    ulong Periods,
    ulong ThrottledPeriods,
    ulong ThrottledTime,
    ulong SystemUsage,
    uint OnlineCpus)
{
    public static CpuCounters Zero { get; } = new(0, null, 0, 0, 0, 0, 0, 0, 0);
}

/// <summary>memory_stats: <paramref name="Stats"/> holds the keys Docker reports for the cgroup version (from memory.stat).</summary>
/// <param name="MaxUsage">memory.max_usage_in_bytes (v1 only).</param>
/// <param name="Limit">The limit, already capped to the host's memory when unlimited.</param>
/// <param name="Failcnt">memory.failcnt (v1) or the <c>oom</c> count of memory.events (v2).</param>
public sealed record MemoryCounters(ulong Usage, ulong MaxUsage, ulong Limit, ulong Failcnt, IReadOnlyDictionary<string, ulong> Stats);

/// <summary>pids_stats: pids.current and pids.max (v1: <c>max</c> reads 0; v2: <c>max</c> reads 2^64-1, as containerd does).</summary>
public sealed record PidsCounters(ulong Current, ulong Limit);

/// <summary>One blkio_stats entry (<c>op</c> as the kernel spells it on v1, <c>read</c>/<c>write</c> on v2).</summary>
public sealed record BlkioEntry(ulong Major, ulong Minor, string Op, ulong Value);

/// <summary>blkio_stats lists; a null list is written as JSON null (v2 fills only service bytes).</summary>
public sealed record BlkioCounters(
    IReadOnlyList<BlkioEntry>? ServiceBytes,
    IReadOnlyList<BlkioEntry>? Serviced,
    IReadOnlyList<BlkioEntry>? Queued,
    IReadOnlyList<BlkioEntry>? ServiceTime,
    IReadOnlyList<BlkioEntry>? WaitTime,
    IReadOnlyList<BlkioEntry>? Merged,
    IReadOnlyList<BlkioEntry>? Time,
    IReadOnlyList<BlkioEntry>? Sectors)
{
    public static BlkioCounters None { get; } = new(null, null, null, null, null, null, null, null);
}
