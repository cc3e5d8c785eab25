namespace Berth.Sdk.Storage.Mounts;

/// <summary>A directory with a list of mounts stacked on it; disposing unmounts them, most recent first.</summary>
public sealed class MountedTree : IDisposable
{
    private readonly List<string> mounted;

    internal MountedTree(string path, List<string> mounted)
    {
        Path = path;
        this.mounted = mounted;
    }

    /// <summary>Where the tree is mounted.</summary>
    public string Path { get; }

    /// <summary>The absolute path of <paramref name="relative"/> inside the tree.</summary>
    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        for (var i = mounted.Count - 1; i >= 0; i--) MountHelper.Unmount(mounted[i]);
        mounted.Clear();
    }
}
