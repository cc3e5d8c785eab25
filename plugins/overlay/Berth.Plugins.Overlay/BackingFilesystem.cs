namespace Berth.Plugins.Overlay;

/// <summary>Finds the filesystem type a directory lives on (Docker's "Backing Filesystem").</summary>
internal static class BackingFilesystem
{
    public static string Of(string path)
    {
        var full = Path.GetFullPath(path);
        string best = "", type = "unknown";
        foreach (var mount in MountInfo.Read())
        {
            var covers = full == mount.MountPoint || mount.MountPoint == "/" ||
                         full.StartsWith(mount.MountPoint.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (covers && mount.MountPoint.Length >= best.Length)
            {
                best = mount.MountPoint;
                type = mount.FsType == "ext4" ? "extfs" : mount.FsType;
            }
        }
        return type;
    }
}
