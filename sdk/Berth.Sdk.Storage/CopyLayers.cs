using Berth.Sdk.GraphDriver;

namespace Berth.Sdk.Storage;

/// <summary>
/// Building blocks for drivers whose layers are full copies of their parent (Docker's vfs, or any driver without a
/// copy-on-write file system): copying a tree, the changes between a layer and its parent compared file by file, and
/// the layer tar of those changes — what Moby's naive diff driver does (archive.ChangesDirs, archive.ExportChanges).
/// </summary>
public static class CopyLayers
{
    private const string CapabilityXattr = "security.capability";

    /// <summary>
    /// Copies what <paramref name="from"/> holds into <paramref name="to"/> (an existing, empty directory) with owners,
    /// modes, times in whole seconds, xattrs, hard links, device nodes and symbolic links as they are, and gives
    /// <paramref name="to"/> the owner and mode of <paramref name="from"/>.
    /// </summary>
    public static async Task CopyTreeAsync(string from, string to, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(from);
        ArgumentException.ThrowIfNullOrEmpty(to);
        await using (var tar = WrittenStream.Start((output, ct) => LayerTarWriter.WriteAsync(from, WhiteoutFormat.Delete, output, ct)))
        {
            await LayerTarApplier.ApplyAsync(tar, to, WhiteoutFormat.Delete, cancellationToken).ConfigureAwait(false);
        }
        var root = Posix.LStat(from);
        Posix.LChown(to, (int)root.Uid, (int)root.Gid);
        File.SetUnixFileMode(to, (UnixFileMode)(root.Mode & 0xFFF));
    }

    /// <summary>
    /// What <c>docker diff</c> lists for <paramref name="layer"/> over <paramref name="parent"/> (null: every name is an
    /// Add), as Moby's ChangesDirs: a name only the layer has is an Add, one only the parent has a Delete (not what was
    /// below it), one whose type, mode, owner or device differs — or, for anything but a directory, whose size or mtime
    /// (seconds; nanoseconds when both have them) or file capability differs — a Modify. A directory holding a change is
    /// listed as a Modify too. Paths are "/a/b", sorted.
    /// </summary>
    public static IReadOnlyList<FileChange> Changes(string layer, string? parent)
    {
        ArgumentException.ThrowIfNullOrEmpty(layer);
        var changes = new List<FileChange>();
        CompareDirectory(Path.GetFullPath(layer).TrimEnd('/'), parent is null ? null : Path.GetFullPath(parent).TrimEnd('/'), "", listed: true, changes);
        changes.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return changes;
    }

    /// <param name="parentDirectory">The parent's directory at this path, null when the parent has none.</param>
    /// <param name="listed">Whether this directory is already a change (an Add or Modify).</param>
    private static void CompareDirectory(string layerDirectory, string? parentDirectory, string path, bool listed, List<FileChange> changes)
    {
        var start = changes.Count;
        var parentNames = parentDirectory is null ? [] : new HashSet<string>(DirectoryNames.Sorted(parentDirectory), StringComparer.Ordinal);
        foreach (var name in DirectoryNames.Sorted(layerDirectory))
        {
            var layerPath = $"{layerDirectory}/{name}";
            var childPath = $"{path}/{name}";
            var stat = Posix.LStat(layerPath);
            string? below = null;
            var childListed = true;
            if (parentNames.Remove(name))
            {
                var parentPath = $"{parentDirectory}/{name}";
                var old = Posix.LStat(parentPath);
                childListed = Different(old, stat) || !SameCapability(parentPath, layerPath);
                if (childListed) changes.Add(new FileChange(childPath, ChangeKind.Modify));
                if (old.IsDirectory) below = parentPath;
            }
            else
            {
                changes.Add(new FileChange(childPath, ChangeKind.Add));
            }
            if (stat.IsDirectory) CompareDirectory(layerPath, below, childPath, childListed, changes);
        }
        foreach (var gone in parentNames) changes.Add(new FileChange($"{path}/{gone}", ChangeKind.Delete));
        if (changes.Count > start && !listed) changes.Add(new FileChange(path, ChangeKind.Modify));
    }

    private static bool Different(in Posix.FileStat old, in Posix.FileStat now) =>
        old.Mode != now.Mode || old.Uid != now.Uid || old.Gid != now.Gid || old.RDevice != now.RDevice
        || (!old.IsDirectory && (old.Size != now.Size || !SameTime(old, now)));

    /// <summary>As Moby: a copy made through a tar keeps whole seconds only, so a missing nanosecond part matches any.</summary>
    private static bool SameTime(in Posix.FileStat old, in Posix.FileStat now) =>
        old.MtimeSeconds == now.MtimeSeconds && (old.MtimeNanos == now.MtimeNanos || old.MtimeNanos == 0 || now.MtimeNanos == 0);

    private static bool SameCapability(string old, string now) =>
        (Posix.LGetXattr(old, CapabilityXattr) ?? []).AsSpan().SequenceEqual(Posix.LGetXattr(now, CapabilityXattr) ?? []);

    /// <summary>
    /// The bytes of the files <paramref name="layer"/> adds or modifies over <paramref name="parent"/> (Moby's
    /// ChangesSize: regular files and symbolic links by their lstat size, each inode once).
    /// </summary>
    public static long DiffSize(string layer, string? parent)
    {
        ArgumentException.ThrowIfNullOrEmpty(layer);
        var root = Path.GetFullPath(layer).TrimEnd('/');
        var seen = new HashSet<(ulong Device, ulong Inode)>();
        long size = 0;
        foreach (var change in Changes(layer, parent).Where(c => c.Kind != ChangeKind.Delete))
        {
            if (!Posix.TryLStat(root + change.Path, out var stat) || stat.IsDirectory || !seen.Add((stat.Device, stat.Inode))) continue;
            size += stat.Size;
        }
        return size;
    }

    /// <summary>
    /// Writes the uncompressed layer tar of <paramref name="changes"/> (from <see cref="Changes"/>) read from
    /// <paramref name="layer"/>: each Add or Modify as its own entry (a directory without its contents, which are changes
    /// of their own), each Delete as a <c>.wh.&lt;name&gt;</c> whiteout. Returns the digest and size written;
    /// <paramref name="output"/> is flushed, not disposed.
    /// </summary>
    public static async Task<LayerDigest> WriteDiffAsync(string layer, IReadOnlyList<FileChange> changes, Stream output, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(layer);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(output);
        var root = Path.GetFullPath(layer).TrimEnd('/');
        using var tar = new PaxTarOutput(output);
        var tree = new LayerTreeTar(tar, WhiteoutFormat.Delete);
        foreach (var change in changes.OrderBy(c => c.Path, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = LayerEntryPath.Clean(change.Path.TrimStart('/')) ?? throw BerthException.Invalid($"change path {change.Path} escapes the layer");
            if (entry.Length == 0) continue;
            if (change.Kind == ChangeKind.Delete)
                await tree.WriteDeletionAsync(entry, $"{root}/{LayerEntryPath.Parent(entry)}".TrimEnd('/'), cancellationToken).ConfigureAwait(false);
            else
                await tree.WriteEntryAsync($"{root}/{entry}", entry, cancellationToken).ConfigureAwait(false);
        }
        return await tar.FinishAsync(cancellationToken).ConfigureAwait(false);
    }
}
