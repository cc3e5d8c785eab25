using Berth.Sdk.Storage;

namespace Berth.Kernel.Containers.Archive;

/// <summary>
/// Resolves a path inside a container's root the way the container sees it: symlinks are followed, but an absolute
/// link or <c>..</c> never climbs above the root (as securejoin does).
/// </summary>
public static class ScopedPath
{
    private const int MaxLinks = 255;

    /// <param name="followLast">Whether a symlink in the last component is followed (stat) or kept (copy the link itself).</param>
    public static string Resolve(string root, string path, bool followLast)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var pending = new Stack<string>(Split(path).Reverse());
        var resolved = new List<string>();
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".") continue;
            if (part == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = Join(root, resolved.Append(part));
            var isLast = pending.Count == 0;
            if ((!isLast || followLast) && Posix.TryLStat(candidate, out var stat) && stat.IsSymbolicLink)
            {
                if (++links > MaxLinks) throw new IOException($"too many levels of symbolic links in {path}");
                var target = new FileInfo(candidate).LinkTarget ?? "";
                if (target.StartsWith('/')) resolved.Clear();
                foreach (var piece in Split(target).Reverse()) pending.Push(piece);
                continue;
            }
            resolved.Add(part);
        }
        return Join(root, resolved);
    }

    private static IEnumerable<string> Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static string Join(string root, IEnumerable<string> parts)
    {
        var rest = string.Join('/', parts);
        return rest.Length == 0 ? root : root.TrimEnd('/') + "/" + rest;
    }
}
