namespace Berth.Sdk.Storage;

/// <summary>Disk usage of a tree as Docker and containerd count it: apparent sizes, each inode once, not crossing mounts.</summary>
public static class DirectoryUsage
{
    public readonly record struct Usage(long Size, long Inodes);

    public static Usage Measure(string root)
    {
        if (!Directory.Exists(root)) return default;
        var seen = new HashSet<(ulong, ulong)>();
        var rootDevice = Posix.LStat(root).Device;
        long size = 0, inodes = 0;
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
            {
                if (!Posix.TryLStat(entry, out var stat) || stat.Device != rootDevice) continue;
                if (!seen.Add((stat.Device, stat.Inode))) continue;
                inodes++;
                size += stat.Size;
                if ((stat.Mode & 0xF000) == 0x4000) pending.Push(entry);
            }
        }
        return new Usage(size, inodes + 1);
    }
}
