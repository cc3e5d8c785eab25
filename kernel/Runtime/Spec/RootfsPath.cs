namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// Resolves a path inside a container's rootfs, following symlinks as if the rootfs were "/" (Moby's
/// symlink.FollowSymlinkInScope): an absolute link or ".." never leaves the rootfs.
/// </summary>
internal static class RootfsPath
{
    private const int MaxSymlinks = 255;

    public static string Resolve(string rootfs, string path)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootfs));
        var resolved = new List<string>();
        var pending = new LinkedList<string>(Split(path));
        var links = 0;
        while (pending.First is { } first)
        {
            var part = first.Value;
            pending.RemoveFirst();
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = Join(root, resolved.Append(part));
            var target = new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                resolved.Add(part);
                continue;
            }
            if (++links > MaxSymlinks) throw new IOException($"too many links in {path}");
            if (target.StartsWith('/')) resolved.Clear();
            foreach (var linked in Split(target).Reverse()) pending.AddFirst(linked);
        }
        return Join(root, resolved);
    }

    private static string[] Split(string path) => path.Split('/');

    private static string Join(string root, IEnumerable<string> parts)
    {
        var relative = string.Join('/', parts);
        return relative.Length == 0 ? (root.Length == 0 ? "/" : root) : root + "/" + relative;
    }
}
