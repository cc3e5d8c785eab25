namespace Berth.Kernel.Runtime.Spec;

/// <summary>Where the host mounts its cgroups: the mode, each v1 controller's mount point and the daemon's own v2 group.</summary>
internal sealed record HostCgroups(CgroupMode Mode, IReadOnlyDictionary<string, string> V1Mounts, string UnifiedRoot, string OwnUnifiedGroup)
{
    public static HostCgroups Read()
    {
        var mounts = ReadMountinfo();
        var mode = CgroupMode.Legacy;
        var unifiedRoot = "/sys/fs/cgroup";
        if (mounts.Any(m => m.MountPoint == "/sys/fs/cgroup" && m.FsType == "cgroup2")) mode = CgroupMode.Unified;
        else if (mounts.Any(m => m.MountPoint == "/sys/fs/cgroup/unified" && m.FsType == "cgroup2"))
        {
            mode = CgroupMode.Hybrid;
            unifiedRoot = "/sys/fs/cgroup/unified";
        }

        var v1 = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mount in mounts.Where(m => m.FsType == "cgroup"))
        {
            foreach (var option in mount.SuperOptions.Split(','))
            {
                var name = option.StartsWith("name=", StringComparison.Ordinal) ? option[5..] : option;
                v1.TryAdd(name, mount.MountPoint);
            }
        }
        return new HostCgroups(mode, v1, unifiedRoot, OwnGroup());
    }

    /// <summary>The daemon's group in the v2 hierarchy (the "0::/path" line of /proc/self/cgroup).</summary>
    private static string OwnGroup()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/cgroup"))
                if (line.StartsWith("0::", StringComparison.Ordinal)) return line[3..];
        }
        catch (IOException)
        {
        }
        return "/";
    }

    private sealed record MountEntry(string MountPoint, string FsType, string SuperOptions);

    private static List<MountEntry> ReadMountinfo()
    {
        var result = new List<MountEntry>();
        try
        {
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                var separator = line.IndexOf(" - ", StringComparison.Ordinal);
                if (separator < 0) continue;
                var head = line[..separator].Split(' ');
                var tail = line[(separator + 3)..].Split(' ');
                if (head.Length < 5 || tail.Length < 3) continue;
                result.Add(new MountEntry(Unescape(head[4]), tail[0], tail[2]));
            }
        }
        catch (IOException)
        {
        }
        return result;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal)) return field;
        var builder = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                builder.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else builder.Append(field[i]);
        }
        return builder.ToString();
    }

    private static bool IsOctal(string text, int start) =>
        start + 3 <= text.Length && text[start] is >= '0' and <= '7' && text[start + 1] is >= '0' and <= '7' && text[start + 2] is >= '0' and <= '7';
}
