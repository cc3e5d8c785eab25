using Berth.Sdk.Storage;
using System.Text.Json;
using Berth.Kernel.Daemon;
using Berth.Sdk;
using Berth.Sdk.Hosting.Packages;
using Berth.Sdk.Protocol;

namespace Berth.Kernel.Plugins;

/// <summary>
/// The on-disk plugin store under <c>&lt;data-root&gt;/plugins</c>:
/// <c>&lt;id&gt;/plugin.json</c>, <c>&lt;id&gt;/versions/&lt;version&gt;/{config.json,rootfs/}</c> side by side,
/// and <c>&lt;id&gt;/state/</c>, the plugin's own directory that survives upgrades.
/// </summary>
public sealed class PluginStore(string root)
{
    private const string RecordFile = "plugin.json";
    private static readonly JsonSerializerOptions Json = new(PluginPackage.JsonOptions) { WriteIndented = true };

    public static IReadOnlyDictionary<string, int> SupportedMajors { get; } =
        Protocols.All.ToDictionary(c => c.Protocol.Kind, c => c.Protocol.Major);

    public string Root { get; } = root;

    public string PluginDirectory(string id) => Path.Combine(Root, id);

    public string VersionDirectory(string id, string version) => Path.Combine(Root, id, "versions", version);

    public string StateDirectory(string id) => Path.Combine(Root, id, "state");

    public string TempDirectory() => Path.Combine(Root, "tmp", Guid.NewGuid().ToString("N"));

    /// <summary>Reads every plugin record; a damaged record is reported, not fatal.</summary>
    public IReadOnlyList<(InstalledPlugin Plugin, PluginPackage? Package, string? Error)> LoadAll()
    {
        Directory.CreateDirectory(Root);
        var tmp = Path.Combine(Root, "tmp");
        if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true); // leftovers of an interrupted install
        var result = new List<(InstalledPlugin, PluginPackage?, string?)>();
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            var recordPath = Path.Combine(dir, RecordFile);
            if (!File.Exists(recordPath))
            {
                // An install interrupted before its record was written: the record is the commit point.
                if (Path.GetFileName(dir) != "tmp") Directory.Delete(dir, recursive: true);
                continue;
            }
            InstalledPlugin? plugin;
            try
            {
                plugin = JsonSerializer.Deserialize<InstalledPlugin>(File.ReadAllBytes(recordPath), Json);
            }
            catch (JsonException ex)
            {
                // Shown as a broken plugin (removable with docker plugin rm), not silently dropped.
                var id = Path.GetFileName(dir);
                var placeholder = new InstalledPlugin(id, $"broken-{id[..Math.Min(12, id.Length)]}:latest", false, "", "", [], Directory.GetCreationTimeUtc(dir));
                result.Add((placeholder, null, $"{RecordFile} is unreadable: {ex.Message}"));
                continue;
            }
            if (plugin is null) continue;
            RecoverVersions(plugin.Id);
            try
            {
                result.Add((plugin, LoadPackage(plugin.Id, plugin.ActiveVersion), null));
            }
            catch (BerthException ex)
            {
                result.Add((plugin, null, ex.Message));
            }
        }
        return result;
    }

    /// <summary>Finishes or undoes a version swap a crash interrupted (see <see cref="AddVersion"/>).</summary>
    private void RecoverVersions(string id)
    {
        var versions = Path.Combine(PluginDirectory(id), "versions");
        if (!Directory.Exists(versions)) return;
        foreach (var dir in Directory.GetDirectories(versions))
        {
            if (dir.EndsWith(".new", StringComparison.Ordinal))
            {
                Directory.Delete(dir, recursive: true);
            }
            else if (dir.EndsWith(".old", StringComparison.Ordinal))
            {
                var target = dir[..^".old".Length];
                if (Directory.Exists(target)) Directory.Delete(dir, recursive: true);
                else Directory.Move(dir, target);
            }
        }
    }

    public PluginPackage LoadPackage(string id, string version) =>
        PluginPackage.Load(VersionDirectory(id, version), SupportedMajors);

    public Task SaveAsync(InstalledPlugin plugin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        return AtomicFile.WriteAllBytesAsync(Path.Combine(PluginDirectory(plugin.Id), RecordFile),
            JsonSerializer.SerializeToUtf8Bytes(plugin, Json), cancellationToken);
    }

    /// <summary>Moves a validated package into the store as a version of plugin <paramref name="id"/>; an existing same version is replaced.</summary>
    public PluginPackage AddVersion(string id, PluginPackage package, bool move)
    {
        ArgumentNullException.ThrowIfNull(package);
        var target = VersionDirectory(id, package.Version);
        var staging = target + ".new";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (move) Directory.Move(package.Directory, staging);
        else CopyDirectory(package.Directory, staging);
        // Durable before anything points at it; then swapped in by renames, so a crash leaves the old or the new copy.
        AtomicFile.SyncTree(staging);
        var previous = target + ".old";
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        if (Directory.Exists(target)) Directory.Move(target, previous);
        Directory.Move(staging, target);
        AtomicFile.SyncDirectory(Path.GetDirectoryName(target)!);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        Directory.CreateDirectory(StateDirectory(id));
        return LoadPackage(id, package.Version);
    }

    public void Delete(string id)
    {
        var dir = PluginDirectory(id);
        if (!Directory.Exists(dir)) return;
        // Rename first so a crash mid-delete never leaves a half-plugin that looks installed.
        var doomed = Path.Combine(Root, "tmp", id + ".removing");
        Directory.CreateDirectory(Path.GetDirectoryName(doomed)!);
        Directory.Move(dir, doomed);
        Directory.Delete(doomed, recursive: true);
    }

    public static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(destination, entry.Name);
            switch (entry)
            {
                case FileInfo { LinkTarget: { } link }: File.CreateSymbolicLink(target, link); break;
                case FileInfo file: file.CopyTo(target, overwrite: true); break;
                case DirectoryInfo { LinkTarget: { } link }: Directory.CreateSymbolicLink(target, link); break;
                case DirectoryInfo dir: CopyDirectory(dir.FullName, target); break;
            }
        }
    }
}
