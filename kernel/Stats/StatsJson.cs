using System.Globalization;
using System.Text.Json.Nodes;

namespace Berth.Kernel.Stats;

/// <summary>
/// Writes <c>ContainerStatsResponse</c> exactly as dockerd's Go encoder does: its field order, <c>omitempty</c> fields
/// left out when zero, nil lists as null, map keys sorted and times in RFC 3339 with trimmed fractions.
/// </summary>
internal static class StatsJson
{
    public static JsonObject Document(StatsSample sample, string id, string name, StatsSample? previous)
    {
        var doc = new JsonObject();
        if (!string.IsNullOrEmpty(name)) doc["name"] = name.StartsWith('/') ? name : "/" + name;
        if (!string.IsNullOrEmpty(id)) doc["id"] = id;
        doc["read"] = GoTime(sample.Read);
        doc["preread"] = GoTime(previous?.Read ?? default);
        doc["pids_stats"] = Pids(sample.Pids);
        doc["blkio_stats"] = Blkio(sample.Blkio);
        doc["num_procs"] = 0;
        doc["storage_stats"] = new JsonObject();
        doc["cpu_stats"] = Cpu(sample.Cpu);
        doc["precpu_stats"] = Cpu(previous?.Cpu ?? CpuCounters.Zero);
        doc["memory_stats"] = Memory(sample.Memory);
        return doc;
    }

    /// <summary>Go's <c>time.RFC3339Nano</c> in UTC: fraction without trailing zeros, none when whole.</summary>
    public static string GoTime(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var fraction = utc.Ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0) text += "." + fraction.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
        return text + "Z";
    }

    private static JsonObject Pids(PidsCounters pids)
    {
        var node = new JsonObject();
        if (pids.Current != 0) node["current"] = pids.Current;
        if (pids.Limit != 0) node["limit"] = pids.Limit;
        return node;
    }

    private static JsonObject Blkio(BlkioCounters blkio) => new()
    {
        ["io_service_bytes_recursive"] = Entries(blkio.ServiceBytes),
        ["io_serviced_recursive"] = Entries(blkio.Serviced),
        ["io_queue_recursive"] = Entries(blkio.Queued),
        ["io_service_time_recursive"] = Entries(blkio.ServiceTime),
        ["io_wait_time_recursive"] = Entries(blkio.WaitTime),
        ["io_merged_recursive"] = Entries(blkio.Merged),
        ["io_time_recursive"] = Entries(blkio.Time),
        ["sectors_recursive"] = Entries(blkio.Sectors),
    };

    private static JsonArray? Entries(IReadOnlyList<BlkioEntry>? entries) => entries is null
        ? null
        : new JsonArray([.. entries.Select(e => (JsonNode)new JsonObject
        {
            ["major"] = e.Major,
            ["minor"] = e.Minor,
            ["op"] = e.Op,
            ["value"] = e.Value,
        })]);

    private static JsonObject Cpu(CpuCounters cpu)
    {
        var usage = new JsonObject { ["total_usage"] = cpu.TotalUsage };
        if (cpu.PerCpu is { Count: > 0 } perCpu) usage["percpu_usage"] = new JsonArray([.. perCpu.Select(v => (JsonNode)v)]);
        usage["usage_in_kernelmode"] = cpu.KernelMode;
        usage["usage_in_usermode"] = cpu.UserMode;
        var node = new JsonObject { ["cpu_usage"] = usage };
        if (cpu.SystemUsage != 0) node["system_cpu_usage"] = cpu.SystemUsage;
        if (cpu.OnlineCpus != 0) node["online_cpus"] = cpu.OnlineCpus;
        node["throttling_data"] = new JsonObject
        {
            ["periods"] = cpu.Periods,
            ["throttled_periods"] = cpu.ThrottledPeriods,
            ["throttled_time"] = cpu.ThrottledTime,
        };
        return node;
    }

    private static JsonObject Memory(MemoryCounters? memory)
    {
        var node = new JsonObject();
        if (memory is null) return node;
        if (memory.Usage != 0) node["usage"] = memory.Usage;
        if (memory.MaxUsage != 0) node["max_usage"] = memory.MaxUsage;
        var stats = new JsonObject();
        foreach (var (key, value) in memory.Stats.OrderBy(kv => kv.Key, StringComparer.Ordinal)) stats[key] = value;
        node["stats"] = stats;
        if (memory.Failcnt != 0) node["failcnt"] = memory.Failcnt;
        if (memory.Limit != 0) node["limit"] = memory.Limit;
        return node;
    }
}
