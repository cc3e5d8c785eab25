using Berth.Sdk.Storage.Mounts;

namespace Berth.Sdk.Testing;

/// <summary>
/// The temporary directory of one test: the driver's root, mount points, layer blobs, and a directory "outside" the
/// root that escape attempts aim at. Disposing unmounts whatever is still mounted below it and deletes it.
/// </summary>
public sealed class ConformanceWorkspace : IDisposable
{
    private int mountPoints;
    private int files;

    private ConformanceWorkspace(string directory)
    {
        Directory = directory;
        Root = CreateDirectory("root");
        Outside = CreateDirectory("outside");
        CreateDirectory("mnt");
        CreateDirectory("blobs");
    }

    /// <summary>The workspace itself (<c>berth-conformance-…</c> under the base directory).</summary>
    public string Directory { get; }

    /// <summary>The empty directory the driver under test owns.</summary>
    public string Root { get; }

    /// <summary>A directory outside <see cref="Root"/>; nothing a driver does may write here.</summary>
    public string Outside { get; }

    /// <param name="baseDirectory">Where to create it; the system temp directory by default. It must support overlayfs upper dirs (not overlayfs itself).</param>
    public static ConformanceWorkspace Create(string? baseDirectory = null)
    {
        var directory = Path.Combine(Path.GetFullPath(baseDirectory ?? Path.GetTempPath()), "berth-conformance-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        return new ConformanceWorkspace(directory);
    }

    /// <summary>A new, empty directory to mount on.</summary>
    public string NewMountPoint() => CreateDirectory(Path.Combine("mnt", Interlocked.Increment(ref mountPoints).ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A path for a new file (a layer blob, a diff); nothing is created.</summary>
    public string NewFilePath(string name) =>
        Path.Combine(Directory, "blobs", $"{Interlocked.Increment(ref files)}-{name}");

    /// <summary>Writes <paramref name="bytes"/> to a new file and returns its path.</summary>
    public string WriteBlob(byte[] bytes, string name = "layer.tar")
    {
        var path = NewFilePath(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Paths named <paramref name="name"/> anywhere in the workspace, beside it, or at the file-system root.</summary>
    public IReadOnlyList<string> FindEverywhere(string name)
    {
        var found = new List<string>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true, MatchType = MatchType.Simple };
        found.AddRange(System.IO.Directory.EnumerateFileSystemEntries(Directory, name, options));
        foreach (var beside in new[] { Path.GetDirectoryName(Directory)!, "/" })
        {
            var candidate = Path.Combine(beside, name);
            if (FileStatus.TryOf(candidate) is not null) found.Add(candidate);
        }
        return found;
    }

    /// <summary>Unmounts what is left below the workspace and deletes it. Throws when a mount could not be removed.</summary>
    public void Dispose()
    {
        var stuck = MountHelper.UnmountAllUnder(Directory);
        if (stuck.Count > 0) throw new IOException($"could not unmount {string.Join(", ", stuck)}; left {Directory} in place");
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
    }

    private string CreateDirectory(string relative)
    {
        var path = Path.Combine(Directory, relative);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}
