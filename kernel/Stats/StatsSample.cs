using System.Text.Json.Nodes;

namespace Berth.Kernel.Stats;

/// <summary>
/// One reading of a container's counters (all cumulative) at <see cref="Read"/>. A sample of a container that is not
/// running is <see cref="NotRunning"/>: zero counters and the zero time, which Docker sends for a stopped container.
/// </summary>
public sealed record StatsSample(
    DateTimeOffset Read,
    bool Running,
    CpuCounters Cpu,
    MemoryCounters? Memory,
    PidsCounters Pids,
    BlkioCounters Blkio)
{
    public static StatsSample NotRunning { get; } =
        new(default, Running: false, CpuCounters.Zero, Memory: null, new PidsCounters(0, 0), BlkioCounters.None);

    /// <summary>
    /// Docker's <c>ContainerStatsResponse</c> for this sample, with <c>preread</c>/<c>precpu_stats</c> from
    /// <paramref name="previous"/> (zero time and zero counters without one).
    /// </summary>
    public JsonObject ToJson(string id, string name, StatsSample? previous) => StatsJson.Document(this, id, name, previous);
}
