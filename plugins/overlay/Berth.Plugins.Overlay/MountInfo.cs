namespace Berth.Plugins.Overlay;

/// <summary>The mounts of this process's namespace, from <c>/proc/self/mountinfo</c>.</summary>
internal static class MountInfo
{
    public readonly record struct Entry(string MountPoint, string FsType);

    public static IEnumerable<Entry> Read()
    {
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // id parent major:minor root mountpoint options ... - fstype source superopts
            var fields = line.Split(' ');
            var dash = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || dash < 0 || dash + 1 >= fields.Length) continue;
            yield return new Entry(Unescape(fields[4]), fields[dash + 1]);
        }
    }

    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
             .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
