using System.Text;

namespace Berth.Kernel.Stats;

/// <summary>Reads the cgroup mounts out of <c>/proc/self/mountinfo</c> (or the older <c>/proc/mounts</c> format).</summary>
public static class CgroupMountTable
{
    /// <summary>The v1 controllers the kernel knows; other super options (rw, nsdelegate, name=…, release_agent=…) are not controllers.</summary>
    private static readonly HashSet<string> KnownControllers = new(StringComparer.Ordinal)
    {
        "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "net_prio",
        "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc",
    };

    /// <summary>
    /// mountinfo lines: <c>id parent maj:min root mountpoint options [optional…] - fstype source superoptions</c>.
    /// Only cgroup and cgroup2 mounts are returned, first mount of a point wins.
    /// </summary>
    public static IReadOnlyList<CgroupMount> ParseMountinfo(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var mounts = new List<CgroupMount>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 6 || separator + 3 > fields.Length) continue;
            var fstype = fields[separator + 1];
            var superOptions = separator + 3 < fields.Length ? fields[separator + 3] : "";
            Add(mounts, Unescape(fields[4]), fstype, superOptions);
        }
        return mounts;
    }

    /// <summary><c>/proc/mounts</c> lines: <c>source mountpoint fstype options dump pass</c>.</summary>
    public static IReadOnlyList<CgroupMount> ParseMounts(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var mounts = new List<CgroupMount>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4) continue;
            Add(mounts, Unescape(fields[1]), fields[2], fields[3]);
        }
        return mounts;
    }

    /// <summary>The v1 controllers named in a comma-separated option or directory name (<c>cpu,cpuacct</c>).</summary>
    public static IReadOnlyList<string> Controllers(string options) =>
        [.. options.Split(',', StringSplitOptions.RemoveEmptyEntries).Where(KnownControllers.Contains)];

    private static void Add(List<CgroupMount> mounts, string mountPoint, string fstype, string options)
    {
        if (mounts.Exists(m => m.MountPoint == mountPoint)) return;
        if (fstype == "cgroup2") mounts.Add(new CgroupMount(mountPoint, IsV2: true, []));
        else if (fstype == "cgroup") mounts.Add(new CgroupMount(mountPoint, IsV2: false, Controllers(options)));
    }

    /// <summary>The kernel writes space, tab, newline and backslash in paths as <c>\040</c>-style octal escapes.</summary>
    private static string Unescape(string path)
    {
        if (!path.Contains('\\', StringComparison.Ordinal)) return path;
        var builder = new StringBuilder(path.Length);
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '\\' && i + 3 < path.Length && IsOctal(path[i + 1]) && IsOctal(path[i + 2]) && IsOctal(path[i + 3]))
            {
                builder.Append((char)(((path[i + 1] - '0') << 6) | ((path[i + 2] - '0') << 3) | (path[i + 3] - '0')));
                i += 3;
            }
            else
            {
                builder.Append(path[i]);
            }
        }
        return builder.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
