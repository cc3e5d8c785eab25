using System.Text.Json.Nodes;

namespace Berth.Kernel.Tests.Stats;

/// <summary>The numbers `docker stats` derives from a stats document (docker/cli's formatter), applied to our JSON on the wire.</summary>
internal static class DockerCli
{
    /// <summary>The document as a client parses it.</summary>
    public static JsonObject Wire(JsonObject document) => JsonNode.Parse(document.ToJsonString())!.AsObject();

    /// <summary>MEM USAGE: usage minus total_inactive_file (v1) or inactive_file (v2) when smaller.</summary>
    public static ulong MemUsage(JsonObject doc)
    {
        var memory = doc["memory_stats"]!.AsObject();
        var usage = memory["usage"]?.GetValue<ulong>() ?? 0;
        var stats = memory["stats"]?.AsObject();
        if (stats?["total_inactive_file"] is { } v1 && v1.GetValue<ulong>() < usage) return usage - v1.GetValue<ulong>();
        var v2 = stats?["inactive_file"]?.GetValue<ulong>() ?? 0;
        return v2 < usage ? usage - v2 : usage;
    }

    /// <summary>LIMIT.</summary>
    public static ulong MemLimit(JsonObject doc) => doc["memory_stats"]!["limit"]?.GetValue<ulong>() ?? 0;

    /// <summary>CPU %: container delta over system delta, times online CPUs (or the per-CPU list's length).</summary>
    public static double CpuPercent(JsonObject doc)
    {
        var cpu = doc["cpu_stats"]!;
        var pre = doc["precpu_stats"]!;
        var cpuDelta = (double)cpu["cpu_usage"]!["total_usage"]!.GetValue<ulong>() - pre["cpu_usage"]!["total_usage"]!.GetValue<ulong>();
        var systemDelta = (double)(cpu["system_cpu_usage"]?.GetValue<ulong>() ?? 0) - (pre["system_cpu_usage"]?.GetValue<ulong>() ?? 0);
        var online = (double)(cpu["online_cpus"]?.GetValue<uint>() ?? 0);
        if (online == 0) online = cpu["cpu_usage"]!["percpu_usage"]?.AsArray().Count ?? 0;
        return systemDelta > 0 && cpuDelta > 0 ? cpuDelta / systemDelta * online * 100.0 : 0;
    }

    /// <summary>BLOCK I/O: io_service_bytes_recursive summed by op's first letter.</summary>
    public static (ulong Read, ulong Write) BlockIo(JsonObject doc)
    {
        ulong read = 0, write = 0;
        foreach (var entry in doc["blkio_stats"]!["io_service_bytes_recursive"]?.AsArray() ?? [])
        {
            var op = entry!["op"]!.GetValue<string>();
            var value = entry["value"]!.GetValue<ulong>();
            if (op.Length == 0) continue;
            if (op[0] is 'r' or 'R') read += value;
            else if (op[0] is 'w' or 'W') write += value;
        }
        return (read, write);
    }

    /// <summary>PIDS.</summary>
    public static ulong Pids(JsonObject doc) => doc["pids_stats"]!["current"]?.GetValue<ulong>() ?? 0;
}
