using Berth.Sdk;
using Berth.Sdk.Storage;

namespace Berth.Examples.Vfs;

/// <summary>
/// Where the layers live: <c>&lt;home&gt;/dir/&lt;id&gt;</c>, each a full tree, as Moby's vfs keeps them. A layer appears
/// under its name only once complete (made under a temporary name, then renamed), and disappears in one rename before
/// it is deleted, so a crash at any point leaves either the whole layer or none; <see cref="Open"/> removes the
/// leftovers.
/// </summary>
internal sealed class VfsLayers
{
    private const string PendingPrefix = ".pending-";
    private const string RemovedPrefix = ".removed-";

    private readonly string layers;

    private VfsLayers(string home)
    {
        Home = home;
        layers = Path.Combine(home, "dir");
    }

    public string Home { get; }

    public static VfsLayers Open(string home)
    {
        var opened = new VfsLayers(home);
        Directory.CreateDirectory(opened.layers);
        foreach (var leftover in Directory.EnumerateDirectories(opened.layers).Where(IsUnfinished))
            Directory.Delete(leftover, recursive: true);
        return opened;
    }

    public int Count => Directory.EnumerateDirectories(layers).Count(d => !IsUnfinished(d));

    public bool Exists(string id) => Directory.Exists(PathOf(id));

    /// <exception cref="BerthException">NotFound when there is no layer <paramref name="id"/>.</exception>
    public string Require(string id) =>
        Exists(id) ? PathOf(id) : throw BerthException.NotFound($"vfs: layer {id} does not exist");

    /// <summary>Makes layer <paramref name="id"/>: an empty tree, or a copy of <paramref name="parent"/>'s.</summary>
    public async Task CreateAsync(string id, string? parent, CancellationToken cancellationToken)
    {
        var from = parent is null ? null : Require(parent);
        if (Exists(id)) throw BerthException.Conflict($"vfs: layer {id} already exists");
        var pending = Path.Combine(layers, PendingPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(pending);
        try
        {
            File.SetUnixFileMode(pending, (UnixFileMode)0x1ED); // 0755, as a layer root in Docker
            if (from is not null) await CopyLayers.CopyTreeAsync(from, pending, cancellationToken);
            Directory.Move(pending, PathOf(id));
        }
        catch
        {
            Directory.Delete(pending, recursive: true);
            throw;
        }
    }

    /// <summary>Removes layer <paramref name="id"/>; nothing to do when it is already gone.</summary>
    public void Remove(string id)
    {
        if (!Exists(id)) return;
        var removed = Path.Combine(layers, RemovedPrefix + Guid.NewGuid().ToString("N"));
        Directory.Move(PathOf(id), removed);
        Directory.Delete(removed, recursive: true);
    }

    private string PathOf(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Contains('/', StringComparison.Ordinal) || id is "." or ".." || id.StartsWith('.'))
            throw BerthException.Invalid($"vfs: invalid layer id \"{id}\"");
        return Path.Combine(layers, id);
    }

    private static bool IsUnfinished(string directory)
    {
        var name = Path.GetFileName(directory);
        return name.StartsWith(PendingPrefix, StringComparison.Ordinal) || name.StartsWith(RemovedPrefix, StringComparison.Ordinal);
    }
}
