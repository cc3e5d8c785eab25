using Berth.Sdk.Storage;

namespace Berth.Plugins.Overlay;

/// <summary>
/// Reference-counted overlay mounts of the graph driver's <c>Get</c>/<c>Put</c>. A plugin restarted while layers
/// are mounted finds their mounts in mountinfo and adopts them with one reference.
/// </summary>
internal sealed class MountTable(OverlayLayout layout)
{
    private readonly Dictionary<string, int> counts = new(StringComparer.Ordinal);

    public string Get(string id)
    {
        if (!layout.HasParent(id)) return layout.DiffDir(id);
        var merged = layout.MergedDir(id);
        lock (counts)
        {
            counts.TryGetValue(id, out var count);
            if (count == 0 && !IsMountPoint(merged))
            {
                var options = layout.MountOptions(id);
                Posix.Mount("overlay", merged, "overlay", 0, options);
            }
            counts[id] = count + 1;
            return merged;
        }
    }

    public void Put(string id)
    {
        if (!layout.Exists(id) || !layout.HasParent(id)) return;
        lock (counts)
        {
            if (!counts.TryGetValue(id, out var count))
            {
                // Not ours (or adopted after a restart with one reference): release what is mounted.
                UnmountIfMounted(layout.MergedDir(id));
                return;
            }
            if (count > 1)
            {
                counts[id] = count - 1;
                return;
            }
            counts.Remove(id);
            UnmountIfMounted(layout.MergedDir(id));
        }
    }

    /// <summary>Drops every reference of a layer about to be removed.</summary>
    public void Release(string id)
    {
        lock (counts)
        {
            counts.Remove(id);
            if (layout.Exists(id) && layout.HasParent(id)) UnmountIfMounted(layout.MergedDir(id));
        }
    }

    public void ReleaseAll()
    {
        lock (counts)
        {
            foreach (var id in counts.Keys.ToList()) UnmountIfMounted(layout.MergedDir(id));
            counts.Clear();
        }
        foreach (var mountPoint in MountPointsUnder(layout.Home)) UnmountIfMounted(mountPoint);
    }

    private static void UnmountIfMounted(string path)
    {
        if (IsMountPoint(path)) Posix.Unmount(path, detach: true);
    }

    public static bool IsMountPoint(string path) => MountPointsUnder(path).Contains(Path.GetFullPath(path));

    private static List<string> MountPointsUnder(string root)
    {
        var full = Path.GetFullPath(root).TrimEnd('/');
        return [.. MountInfo.Read().Select(m => m.MountPoint).Where(m => m == full || m.StartsWith(full + "/", StringComparison.Ordinal))];
    }
}
