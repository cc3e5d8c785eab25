namespace Berth.Sdk.Storage;

/// <summary>
/// Resolves directories under the layer root without ever going through a symbolic link: each existing component is
/// lstat'ed and must be a real directory. Directories already checked are remembered until a directory under the
/// root is removed (all removals go through <see cref="Remove"/>), so a deep tree costs one lstat per new directory,
/// not per entry.
/// </summary>
internal sealed class LayerRootGuard
{
    private readonly string root;
    private readonly HashSet<string> verified = new(StringComparer.Ordinal) { "" };
    private readonly Action<string>? created;

    /// <param name="root">The full path of the layer root, no trailing slash ("" for "/").</param>
    /// <param name="created">Told the relative path of each missing directory this guard creates.</param>
    public LayerRootGuard(string root, Action<string>? created = null)
    {
        this.root = root;
        this.created = created;
    }

    public string FullPath(string relative) => relative.Length == 0 ? (root.Length == 0 ? "/" : root) : $"{root}/{relative}";

    /// <summary>
    /// The full path of the directory <paramref name="relative"/>, creating missing components (0755, root-owned, as
    /// Docker does) when <paramref name="create"/> is set; null when it is missing and not to be created.
    /// </summary>
    /// <exception cref="BerthException">A component is a symbolic link or not a directory (400, naming <paramref name="entryName"/>).</exception>
    public string? ResolveDirectory(string relative, bool create, string entryName) => Walk(relative, create, out var failed) switch
    {
        Resolution.Directory => FullPath(relative),
        Resolution.Missing => null,
        Resolution.SymbolicLink => throw LayerEntryErrors.Refused(entryName, $"its path goes through the symbolic link \"{failed}\""),
        _ => throw LayerEntryErrors.Refused(entryName, $"\"{failed}\" in its path is not a directory"),
    };

    /// <summary>Whether <paramref name="relative"/> is a real directory reached through real directories only.</summary>
    public bool IsDirectory(string relative) => Walk(relative, create: false, out _) == Resolution.Directory;

    private Resolution Walk(string relative, bool create, out string failed)
    {
        failed = "";
        if (verified.Contains(relative)) return Resolution.Directory;
        var end = -1;
        do
        {
            end = relative.IndexOf('/', end + 1);
            var prefix = end < 0 ? relative : relative[..end];
            if (verified.Contains(prefix)) continue;
            var full = FullPath(prefix);
            failed = prefix;
            if (!Posix.TryLStat(full, out var stat))
            {
                if (!create) return Resolution.Missing;
                Directory.CreateDirectory(full, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                created?.Invoke(prefix);
            }
            else if (stat.IsSymbolicLink)
            {
                return Resolution.SymbolicLink;
            }
            else if (!stat.IsDirectory)
            {
                return Resolution.NotDirectory;
            }
            verified.Add(prefix);
        }
        while (end >= 0);
        return Resolution.Directory;
    }

    /// <summary>Records a directory this apply made or kept at <paramref name="relative"/> (its parent already resolved).</summary>
    public void MarkDirectory(string relative) => verified.Add(relative);

    /// <summary>Removes whatever is at <paramref name="path"/> (a directory with all it holds), never following a link.</summary>
    public void Clear(string path)
    {
        if (Posix.TryLStat(path, out var existing)) Remove(path, existing);
    }

    public void Remove(string path, in Posix.FileStat stat)
    {
        if (stat.IsDirectory)
        {
            Directory.Delete(path, recursive: true); // unlinks symbolic links inside, never follows them
            Forget();
        }
        else
        {
            File.Delete(path);
        }
    }

    /// <summary>A directory under the root was removed: every directory is checked again.</summary>
    private void Forget()
    {
        verified.Clear();
        verified.Add("");
    }

    private enum Resolution
    {
        Directory,
        Missing,
        SymbolicLink,
        NotDirectory,
    }
}
