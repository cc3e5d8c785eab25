using System.Text;

namespace Berth.Sdk.Storage.Mounts;

/// <summary>Reads the mount points of this process from <c>/proc/self/mountinfo</c>.</summary>
public static class Mountinfo
{
    /// <summary>Every mount point, in the order the kernel lists them (later ones stack over earlier ones).</summary>
    public static IReadOnlyList<string> MountPoints()
    {
        var points = new List<string>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            var fields = line.Split(' ');
            if (fields.Length > 4) points.Add(Unescape(fields[4]));
        }
        return points;
    }

    public static bool IsMountPoint(string path) =>
        MountPoints().Contains(Normalize(path), StringComparer.Ordinal);

    /// <summary>Mount points at or below <paramref name="directory"/>, deepest (and most recent) first: the order to unmount them.</summary>
    public static IReadOnlyList<string> MountPointsUnder(string directory)
    {
        var root = Normalize(directory);
        var prefix = root + "/";
        return MountPoints()
            .Select((point, index) => (point, index))
            .Where(m => m.point == root || m.point.StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(m => m.point.Length).ThenByDescending(m => m.index)
            .Select(m => m.point)
            .ToList();
    }

    private static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    /// <summary>mountinfo escapes space, tab, newline and backslash as <c>\ooo</c> (all ASCII).</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal)) return field;
        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && !field.AsSpan(i + 1, 3).ContainsAnyExceptInRange('0', '7'))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }
        return text.ToString();
    }
}
