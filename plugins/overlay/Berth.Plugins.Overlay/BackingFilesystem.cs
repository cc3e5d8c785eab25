namespace Berth.Plugins.Overlay;

/// <summary>Finds the filesystem type a directory lives on, from /proc/self/mountinfo (as Docker's "Backing Filesystem").</summary>
internal static class BackingFilesystem
{
    public static string Of(string path)
    {
        var full = Path.GetFullPath(path);
        string best = "", type = "unknown";
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // id parent major:minor root mountpoint options ... - fstype source superopts
            var fields = line.Split(' ');
            var dash = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || dash < 0 || dash + 1 >= fields.Length) continue;
            var mountPoint = fields[4].Replace("\\040", " ", StringComparison.Ordinal);
            var covers = full == mountPoint || mountPoint == "/" ||
                         full.StartsWith(mountPoint.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (covers && mountPoint.Length >= best.Length)
            {
                best = mountPoint;
                type = fields[dash + 1] == "ext4" ? "extfs" : fields[dash + 1];
            }
        }
        return type;
    }
}
