using System.Security.Cryptography;
using Berth.Sdk;

namespace Berth.Plugins.Overlay;

/// <summary>
/// Docker's overlay2 directory layout under one home: <c>&lt;id&gt;/{diff,work,merged,link,lower}</c> per layer and
/// short names <c>l/&lt;LINK&gt; → ../&lt;id&gt;/diff</c> that keep mount option strings short. The graph driver and
/// the snapshotter both keep their layers here.
/// </summary>
internal sealed class OverlayLayout(string home)
{
    private const int LinkLength = 26;

    public string Home { get; } = home;

    public string LayerDir(string id) => Path.Combine(Home, ValidId(id));
    public string DiffDir(string id) => Path.Combine(LayerDir(id), "diff");
    public string WorkDir(string id) => Path.Combine(LayerDir(id), "work");
    public string MergedDir(string id) => Path.Combine(LayerDir(id), "merged");

    public bool Exists(string id) => IsValidId(id) && Directory.Exists(DiffDir(id));

    /// <summary>Creates the layer's folders; with a parent, its lower chain is the parent's link followed by the parent's lowers.</summary>
    public void Create(string id, string? parentId, string? snapshotKey = null)
    {
        var dir = LayerDir(id);
        if (Directory.Exists(dir)) throw BerthException.Conflict($"layer {id} already exists");
        if (parentId is not null && !Exists(parentId)) throw BerthException.NotFound($"parent layer {parentId} does not exist");
        Directory.CreateDirectory(Path.Combine(Home, "l"));
        var staging = Path.Combine(Home, $".{id}.creating");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Combine(staging, "diff"), (UnixFileMode)0b111_101_101);
        var link = NewLinkName();
        File.WriteAllText(Path.Combine(staging, "link"), link);
        if (snapshotKey is not null) File.WriteAllText(Path.Combine(staging, "snapshot"), snapshotKey); // marks the snapshotter's folders
        if (parentId is not null)
        {
            Directory.CreateDirectory(Path.Combine(staging, "work"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.CreateDirectory(Path.Combine(staging, "merged"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var lowers = new List<string> { "l/" + ReadLink(parentId) };
            lowers.AddRange(ReadLowers(parentId));
            File.WriteAllText(Path.Combine(staging, "lower"), string.Join(':', lowers));
        }
        File.CreateSymbolicLink(Path.Combine(Home, "l", link), Path.Combine("..", id, "diff"));
        Directory.Move(staging, dir); // the layer appears whole or not at all
    }

    /// <summary>Removes the layer's folders and its short link; a missing layer is not an error.</summary>
    public void Remove(string id)
    {
        var dir = LayerDir(id);
        if (!Directory.Exists(dir)) return;
        var linkFile = Path.Combine(dir, "link");
        if (File.Exists(linkFile))
        {
            var link = Path.Combine(Home, "l", File.ReadAllText(linkFile).Trim());
            if (new FileInfo(link).LinkTarget is not null) File.Delete(link);
        }
        // Rename first so a crash mid-delete leaves a trash folder that Cleanup removes, never a half layer.
        var trash = Path.Combine(Home, $".{id}.removing");
        if (Directory.Exists(trash)) Directory.Delete(trash, recursive: true);
        Directory.Move(dir, trash);
        Directory.Delete(trash, recursive: true);
    }

    /// <summary>Absolute lower directories of a layer, nearest first (empty for a base layer).</summary>
    /// <summary>The short name of a layer's diff dir, as used in lowerdir options.</summary>
    public string LinkPath(string id) => Path.Combine(Home, "l", ReadLink(id));

    public IReadOnlyList<string> LowerDirs(string id) =>
        [.. ReadLowers(id).Select(l => Path.Combine(Home, l))];

    /// <summary>The lowers' real diff dirs (short links followed), for walking them and for Docker's metadata.</summary>
    public IReadOnlyList<string> LowerDiffDirs(string id) =>
        [.. LowerDirs(id).Select(l => new DirectoryInfo(l).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? l)];

    public bool HasParent(string id) => File.Exists(Path.Combine(LayerDir(id), "lower"));

    /// <summary>Removes leftovers of interrupted creates and removes.</summary>
    public void RemoveLeftovers()
    {
        if (!Directory.Exists(Home)) return;
        foreach (var dir in Directory.EnumerateDirectories(Home, ".*"))
        {
            if (dir.EndsWith(".creating", StringComparison.Ordinal) || dir.EndsWith(".removing", StringComparison.Ordinal))
                Directory.Delete(dir, recursive: true);
        }
        var links = Path.Combine(Home, "l");
        if (!Directory.Exists(links)) return;
        foreach (var link in Directory.EnumerateFileSystemEntries(links))
        {
            var target = new FileInfo(link).LinkTarget;
            if (target is not null && !Directory.Exists(Path.Combine(links, target))) File.Delete(link);
        }
    }

    /// <summary>The options of a read-write overlay mount of a layer with parents.</summary>
    public string MountOptions(string id) =>
        $"lowerdir={string.Join(':', LowerDirs(id))},upperdir={DiffDir(id)},workdir={WorkDir(id)}";

    private string ReadLink(string id) => File.ReadAllText(Path.Combine(LayerDir(id), "link")).Trim();

    private string[] ReadLowers(string id)
    {
        var file = Path.Combine(LayerDir(id), "lower");
        return File.Exists(file) ? File.ReadAllText(file).Trim().Split(':', StringSplitOptions.RemoveEmptyEntries) : [];
    }

    private static string NewLinkName()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        Span<char> chars = stackalloc char[LinkLength];
        for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        return new string(chars);
    }

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static bool IsValidId(string id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 128 && id[0] != '.' && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string ValidId(string id) =>
        IsValidId(id) ? id : throw BerthException.Invalid($"invalid layer id \"{id}\"");
}
