using System.Globalization;

namespace Berth.Kernel.Stats;

/// <summary>The cgroup directories of one container: one per v1 controller, and/or its cgroup2 directory.</summary>
public sealed class CgroupPaths
{
    /// <summary>Where to look for cgroup.procs on v1, in order; the first hierarchy that has the cgroup answers.</summary>
    private static readonly string[] ProcsOrder = ["pids", "memory", "cpu", "cpuacct", "blkio", "devices", "freezer", "cpuset"];

    public CgroupPaths(CgroupVersion version, string cgroupsPath, IReadOnlyDictionary<string, string> controllers, string? unified)
    {
        ArgumentNullException.ThrowIfNull(controllers);
        Version = version;
        CgroupsPath = cgroupsPath;
        Controllers = controllers;
        Unified = unified;
    }

    public CgroupVersion Version { get; }

    /// <summary>The OCI <c>linux.cgroupsPath</c> these directories were made from.</summary>
    public string CgroupsPath { get; }

    /// <summary>v1 controller name → this container's directory in that hierarchy.</summary>
    public IReadOnlyDictionary<string, string> Controllers { get; }

    /// <summary>This container's cgroup2 directory (V2; on Hybrid the controller-less one), else null.</summary>
    public string? Unified { get; }

    /// <summary>True when the counters come from cgroup2 files (a pure V2 host); Hybrid reads v1, as dockerd does.</summary>
    public bool IsV2 => Version == CgroupVersion.V2;

    public string? Memory => Controller("memory");
    public string? Cpu => Controller("cpu");
    public string? CpuAcct => Controller("cpuacct");
    public string? Pids => Controller("pids");
    public string? Blkio => Controller("blkio");

    /// <summary>Whether the container's cgroup is still there (gone once runc deleted the container).</summary>
    public bool Exists => IsV2
        ? Unified is not null && Directory.Exists(Unified)
        : Controllers.Values.Any(Directory.Exists);

    /// <summary>This container's directory in the v1 hierarchy carrying <paramref name="controller"/>, else null.</summary>
    public string? Controller(string controller) => Controllers.TryGetValue(controller, out var dir) ? dir : null;

    /// <summary>The processes in the container (cgroup.procs), empty when the cgroup has vanished.</summary>
    public IReadOnlyList<int> ReadPids()
    {
        IEnumerable<string?> candidates = IsV2
            ? [Unified]
            : ProcsOrder.Select(Controller).Concat(Controllers.Values).Append(Unified);
        foreach (var dir in candidates)
        {
            if (dir is null || CgroupFiles.ReadText(dir, "cgroup.procs") is not { } text) continue;
            var pids = new List<int>();
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !pids.Contains(pid)) pids.Add(pid);
            return pids;
        }
        return [];
    }

    /// <summary>
    /// How many processes the kernel OOM-killed in this cgroup: <c>oom_kill</c> of memory.events (v2) or of
    /// memory.oom_control (v1, kernels from 4.13). 0 when unknown.
    /// </summary>
    public long ReadOomKillCount()
    {
        var counters = IsV2
            ? CgroupFiles.ReadKeyed(Unified, "memory.events")
            : CgroupFiles.ReadKeyed(Memory, "memory.oom_control");
        return counters.TryGetValue("oom_kill", out var count) ? (long)Math.Min(count, long.MaxValue) : 0;
    }
}
