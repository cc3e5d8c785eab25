using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Storage;
using Berth.Sdk.Storage.Mounts;

namespace Berth.Kernel.Volumes;

/// <summary>
/// The local driver's folders, laid out as moby's: <c>volumes/</c> (0701), <c>volumes/&lt;name&gt;/</c> (0701) holding
/// <c>opts.json</c> and <c>_data/</c> (0755), the data itself.
/// <para>
/// Crash safety: a volume is built complete in <c>volumes/.create-*</c> and renamed into place, and removed by renaming
/// it to <c>volumes/.remove-*</c> first, so a crash never leaves half a volume; <see cref="LoadAsync"/> deletes those
/// leftovers (their names cannot be volume names). A folder with a valid name but no <c>opts.json</c> was not made by
/// Berth (moby keeps plain volumes' metadata in metadata.db, or the folder was copied in): it is adopted as a plain
/// volume when it holds <c>_data</c> — moby's own test for a volume folder — and its metadata is written; an empty one
/// is removed; anything else is left alone with a warning, as is a folder whose <c>opts.json</c> cannot be read.
/// </para>
/// </summary>
public sealed class VolumeStore
{
    public const string DataDirectoryName = "_data";
    private const string CreatingPrefix = ".create-";
    private const string RemovingPrefix = ".remove-";
    private const UnixFileMode RootMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode DataMode = RootMode | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead;

    private VolumeStore(string root) => Root = root;

    /// <summary><c>&lt;data-root&gt;/volumes</c>.</summary>
    public string Root { get; }

    public string VolumePath(string name) => Path.Combine(Root, name);

    public string DataPath(string name) => Path.Combine(Root, name, DataDirectoryName);

    /// <summary>Opens the store, clearing what a crash left and adopting foreign volume folders; returns every volume.</summary>
    public static async Task<(VolumeStore Store, IReadOnlyList<Volume> Volumes)> LoadAsync(string root, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, RootMode);
        var store = new VolumeStore(Path.GetFullPath(root));
        var volumes = new List<Volume>();
        foreach (var dir in new DirectoryInfo(store.Root).EnumerateDirectories())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (dir.LinkTarget is not null) continue;
            if (dir.Name.StartsWith(CreatingPrefix, StringComparison.Ordinal) || dir.Name.StartsWith(RemovingPrefix, StringComparison.Ordinal))
                RemoveLeftover(dir.FullName);
            else if (!VolumeNames.IsValid(dir.Name))
                Serilog.Log.Warning("volumes: {Path} is not a volume (invalid name); left alone", dir.FullName);
            else if (await store.LoadOneAsync(dir, cancellationToken).ConfigureAwait(false) is { } volume)
                volumes.Add(volume);
        }
        return (store, volumes);
    }

    private async Task<Volume?> LoadOneAsync(DirectoryInfo dir, CancellationToken cancellationToken)
    {
        var data = DataPath(dir.Name);
        VolumeMetadata.Record? record;
        try
        {
            record = await VolumeMetadata.ReadAsync(dir.FullName, dir.LastWriteTimeUtc, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or IOException)
        {
            Serilog.Log.Error("volumes: {Name} skipped, its {File} cannot be read: {Message}", dir.Name, VolumeMetadata.FileName, ex.Message);
            return null;
        }
        if (record is null)
        {
            if (!Posix.TryLStat(data, out _))
            {
                if (dir.EnumerateFileSystemInfos().Any())
                {
                    Serilog.Log.Warning("volumes: {Path} is not a volume (no {Data} or {File}); left alone", dir.FullName, DataDirectoryName, VolumeMetadata.FileName);
                    return null;
                }
                dir.Delete();
                return null;
            }
            record = new VolumeMetadata.Record(new DateTimeOffset(dir.LastWriteTimeUtc), Empty(), Empty());
            await VolumeMetadata.WriteAsync(dir.FullName, record, cancellationToken).ConfigureAwait(false);
            Serilog.Log.Information("volumes: adopted {Name} as a plain volume (it had no metadata)", dir.Name);
        }
        if (!Posix.TryLStat(data, out _)) CreateDirectory(data, DataMode);
        return new Volume(dir.Name, data, record.CreatedAt, record.Labels, record.Options);
    }

    /// <summary>Builds the volume aside and renames it into place.</summary>
    /// <exception cref="BerthException">System error when a folder of that name is already there (one Berth could not load).</exception>
    public async Task<Volume> CreateAsync(string name, DateTimeOffset createdAt, IReadOnlyDictionary<string, string> labels,
        IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken)
    {
        var target = VolumePath(name);
        if (Posix.TryLStat(target, out _))
            throw new BerthException($"error while creating volume root path '{target}': it exists but is not a volume Berth can read");
        var staging = Path.Combine(Root, CreatingPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            CreateDirectory(staging, RootMode);
            CreateDirectory(Path.Combine(staging, DataDirectoryName), DataMode);
            await VolumeMetadata.WriteAsync(staging, new VolumeMetadata.Record(createdAt, labels, options), cancellationToken).ConfigureAwait(false);
            Directory.Move(staging, target);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
        AtomicFile.SyncDirectory(Root);
        return new Volume(name, DataPath(name), createdAt, labels, options);
    }

    /// <summary>Deletes a volume folder with its data; refuses while anything is still mounted inside it.</summary>
    /// <exception cref="BerthException">System error when a mount remains under the volume.</exception>
    public void Remove(string name)
    {
        var dir = VolumePath(name);
        if (Mountinfo.MountPointsUnder(dir) is [var mounted, ..])
            throw new BerthException($"unable to remove volume {name}: {mounted} is still mounted");
        var trash = Path.Combine(Root, RemovingPrefix + Guid.NewGuid().ToString("N"));
        Directory.Move(dir, trash);
        AtomicFile.SyncDirectory(Root);
        RemoveLeftover(trash);
    }

    /// <summary>Apparent size of the volume's data, each inode once, not crossing into other mounts.</summary>
    public long SizeOf(string name) => DirectoryUsage.Measure(DataPath(name)).Size;

    private static void RemoveLeftover(string path)
    {
        if (Mountinfo.MountPointsUnder(path) is [var mounted, ..])
        {
            Serilog.Log.Warning("volumes: {Path} is left in place, {Mount} is still mounted in it", path, mounted);
            return;
        }
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Serilog.Log.Warning("volumes: could not delete {Path} yet (it is retried at the next start): {Message}", path, ex.Message);
        }
    }

    private static void CreateDirectory(string path, UnixFileMode mode)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, mode); // exact, whatever the umask
    }

    private static Dictionary<string, string> Empty() => new(StringComparer.Ordinal);
}
