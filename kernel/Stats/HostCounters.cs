using System.Globalization;

namespace Berth.Kernel.Stats;

/// <summary>
/// The host side of a stats sample, read as dockerd reads it: system CPU time from the <c>cpu</c> line of /proc/stat
/// (its first seven fields, in 1/100 s ticks, turned into nanoseconds), online CPUs as the number of <c>cpuN</c> lines,
/// and MemTotal from /proc/meminfo (read once; the cap for an unlimited container's memory limit).
/// </summary>
public sealed class HostCounters(string procRoot = "/proc")
{
    /// <summary>USER_HZ: a constant 100 on Linux, hard-coded by dockerd and containerd too.</summary>
    public const ulong ClockTicksPerSecond = 100;

    private const ulong NanosecondsPerTick = 1_000_000_000 / ClockTicksPerSecond;

    private readonly Lazy<ulong> memTotal = new(() => ReadMemTotal(procRoot));

    /// <summary>Host memory in bytes (0 when /proc/meminfo cannot be read).</summary>
    public ulong MemTotal => memTotal.Value;

    /// <summary>System CPU usage in nanoseconds and the number of online CPUs; zeros when /proc/stat is unreadable.</summary>
    public (ulong SystemUsage, uint OnlineCpus) ReadCpu()
    {
        if (CgroupFiles.ReadText(procRoot, "stat") is not { } text) return (0, 0);
        ulong usage = 0;
        uint cpus = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length < 4 || !line.StartsWith("cpu", StringComparison.Ordinal)) break;
            if (line[3] == ' ')
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                ulong ticks = 0;
                for (var i = 1; i < Math.Min(fields.Length, 8); i++) ticks += CgroupFiles.ParseUInt(fields[i]);
                usage = ticks * NanosecondsPerTick;
            }
            else if (char.IsAsciiDigit(line[3]))
            {
                cpus++;
            }
        }
        return (usage, cpus);
    }

    private static ulong ReadMemTotal(string procRoot)
    {
        if (CgroupFiles.ReadText(procRoot, "meminfo") is not { } text) return 0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal)) continue;
            var kb = line["MemTotal:".Length..].Trim().Split(' ')[0];
            return ulong.TryParse(kb, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value * 1024 : 0;
        }
        return 0;
    }
}
