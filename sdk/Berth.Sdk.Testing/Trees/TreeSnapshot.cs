using System.Security.Cryptography;

namespace Berth.Sdk.Testing;

/// <summary>
/// A directory tree (usually a mounted layer) captured into a sorted list of <see cref="TreeEntry"/>: names, types,
/// modes, owners, sizes, content hashes, symlink targets, device numbers and hard-link groups. Modification times
/// are left out. Symlinks are never followed; mount points below the root are walked like directories.
/// </summary>
public sealed class TreeSnapshot
{
    private readonly Dictionary<string, TreeEntry> byPath;

    private TreeSnapshot(IReadOnlyList<TreeEntry> entries)
    {
        Entries = entries;
        byPath = entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
    }

    /// <summary>Every path below the root (the root itself is left out), in ordinal order.</summary>
    public IReadOnlyList<TreeEntry> Entries { get; }

    public static TreeSnapshot Capture(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var found = new List<(TreeEntry Entry, ulong Inode, uint Major, uint Minor, long Links)>();
        Walk(Path.GetFullPath(root), "", found);

        // Hard links: files sharing an inode get the same group, named by their first path.
        var groups = found
            .Where(f => f.Entry.Type != TreeEntryType.Directory && f.Links > 1)
            .GroupBy(f => (f.Inode, f.Major, f.Minor))
            .ToDictionary(g => g.Key, g => g.Select(f => f.Entry.Path).Order(StringComparer.Ordinal).First());
        var entries = found
            .Select(f => groups.TryGetValue((f.Inode, f.Major, f.Minor), out var group) && f.Entry.Type != TreeEntryType.Directory
                ? f.Entry with { HardLinkGroup = group }
                : f.Entry)
            .OrderBy(e => e.Path, StringComparer.Ordinal)
            .ToList();
        return new TreeSnapshot(entries);
    }

    public TreeEntry? Find(string path) => byPath.GetValueOrDefault(path.Trim('/'));

    public bool Contains(string path) => byPath.ContainsKey(path.Trim('/'));

    /// <summary>Direct children of <paramref name="directory"/> (<c>""</c> for the root), by name.</summary>
    public IReadOnlyList<string> ChildrenOf(string directory)
    {
        var prefix = directory.Trim('/') is { Length: > 0 } d ? d + "/" : "";
        return Entries
            .Where(e => e.Path.StartsWith(prefix, StringComparison.Ordinal) && e.Path.Length > prefix.Length &&
                        !e.Path.AsSpan(prefix.Length).Contains('/'))
            .Select(e => e.Path[prefix.Length..])
            .ToList();
    }

    /// <summary>Human-readable differences from <paramref name="expected"/>; empty when the trees are the same.</summary>
    public IReadOnlyList<string> DifferencesFrom(TreeSnapshot expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var differences = new List<string>();
        foreach (var want in expected.Entries)
        {
            if (!byPath.TryGetValue(want.Path, out var have)) differences.Add($"missing: {want}");
            else if (have != want) differences.Add($"differs: expected {want}, found {have}");
        }
        differences.AddRange(Entries.Where(e => !expected.Contains(e.Path)).Select(e => $"unexpected: {e}"));
        return differences;
    }

    public override string ToString() => string.Join(Environment.NewLine, Entries);

    private static void Walk(string directory, string relative, List<(TreeEntry, ulong, uint, uint, long)> found)
    {
        foreach (var full in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(full);
            var path = relative.Length == 0 ? name : relative + "/" + name;
            var status = FileStatus.Of(full);
            var type = status.Type;
            var entry = new TreeEntry(
                path,
                type,
                status.Permissions,
                status.Uid,
                status.Gid,
                type is TreeEntryType.File or TreeEntryType.Symlink ? status.Size : 0,
                type == TreeEntryType.File ? Hash(full) : null,
                type == TreeEntryType.Symlink ? new FileInfo(full).LinkTarget : null,
                type is TreeEntryType.CharDevice or TreeEntryType.BlockDevice ? $"{status.RdevMajor}:{status.RdevMinor}" : null,
                null);
            found.Add((entry, status.Inode, status.DeviceMajor, status.DeviceMinor, status.Links));
            if (type == TreeEntryType.Directory) Walk(full, path, found);
        }
    }

    private static string Hash(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
