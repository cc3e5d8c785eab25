using Berth.Sdk.GraphDriver;

namespace Berth.Sdk.Storage;

/// <summary>Docker's <c>Changes</c> (what <c>docker diff</c> lists) for an overlayfs upper directory over its lower directories.</summary>
public static class LayerChanges
{
    /// <summary>
    /// Walks <paramref name="upper"/>: a whiteout is a Delete; a name the lowers (<paramref name="lowers"/>, top first)
    /// show is a Modify, other names an Add. As in Moby: an opaque directory the lowers show is a Delete (its
    /// children then Adds), a directory equal to the lower one in size, mode and mtime is not listed itself, and the
    /// parent of an Add or Delete is listed as a Modify. Paths are "/a/b", sorted.
    /// </summary>
    public static IReadOnlyList<FileChange> Compute(string upper, IReadOnlyList<string> lowers)
    {
        ArgumentException.ThrowIfNullOrEmpty(upper);
        ArgumentNullException.ThrowIfNull(lowers);
        var visibleLowers = lowers.Where(l => Posix.TryLStat(l, out var stat) && stat.IsDirectory).Select(l => Path.GetFullPath(l).TrimEnd('/')).ToList();
        var walk = new Walk();
        walk.Directory(Path.GetFullPath(upper).TrimEnd('/'), "", visibleLowers);
        walk.Changes.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return walk.Changes;
    }

    private sealed class Walk
    {
        private readonly HashSet<string> changedDirectories = new(StringComparer.Ordinal);

        public List<FileChange> Changes { get; } = [];

        /// <param name="lowers">The lower directories that show through at this directory, top first.</param>
        public void Directory(string upperDirectory, string path, List<string> lowers)
        {
            foreach (var name in DirectoryNames.Sorted(upperDirectory))
            {
                var upperPath = $"{upperDirectory}/{name}";
                var childPath = $"{path}/{name}";
                var stat = Posix.LStat(upperPath);
                if (Whiteouts.IsOverlayWhiteout(stat))
                {
                    Record(childPath, ChangeKind.Delete);
                    continue;
                }
                var opaque = stat.IsDirectory && Whiteouts.IsOverlayOpaque(upperPath);
                var below = FindBelow(lowers, name);
                if (below is null)
                {
                    Record(childPath, ChangeKind.Add);
                }
                else if (opaque)
                {
                    Record(childPath, ChangeKind.Delete);
                }
                else if (!(stat.IsDirectory && below.Value.IsDirectory && SameDirectory(stat, below.Value)))
                {
                    Record(childPath, ChangeKind.Modify);
                }
                if (stat.IsDirectory) Directory(upperPath, childPath, opaque ? [] : LowersBelow(lowers, name));
            }
        }

        private void Record(string path, ChangeKind kind)
        {
            if (kind is ChangeKind.Add or ChangeKind.Delete)
            {
                var parent = path[..path.LastIndexOf('/')];
                if (parent.Length > 0 && changedDirectories.Add(parent)) Changes.Add(new FileChange(parent, ChangeKind.Modify));
            }
            Changes.Add(new FileChange(path, kind));
            changedDirectories.Add(path); // only directories are ever looked up
        }

        /// <summary>What the topmost lower that has <paramref name="name"/> holds there; null when no lower shows it (or one whites it out).</summary>
        private static Posix.FileStat? FindBelow(List<string> lowers, string name)
        {
            foreach (var lower in lowers)
            {
                if (!Posix.TryLStat($"{lower}/{name}", out var stat)) continue;
                return Whiteouts.IsOverlayWhiteout(stat) ? null : stat;
            }
            return null;
        }

        /// <summary>The lowers that show through inside directory <paramref name="name"/>: down to the first opaque one, up to the first non-directory.</summary>
        private static List<string> LowersBelow(List<string> lowers, string name)
        {
            var below = new List<string>();
            foreach (var lower in lowers)
            {
                var path = $"{lower}/{name}";
                if (!Posix.TryLStat(path, out var stat)) continue;
                if (!stat.IsDirectory) break;
                below.Add(path);
                if (Whiteouts.IsOverlayOpaque(path)) break;
            }
            return below;
        }

        private static bool SameDirectory(in Posix.FileStat upper, in Posix.FileStat lower) =>
            upper.Size == lower.Size && upper.Mode == lower.Mode && upper.MtimeSeconds == lower.MtimeSeconds
            && (upper.MtimeNanos == lower.MtimeNanos || upper.MtimeNanos == 0 || lower.MtimeNanos == 0);
    }
}
