using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Sdk.Snapshots;

namespace Berth.Sdk.Storage.Snapshots;

/// <summary>
/// The key → snapshot records of a snapshotter, one atomically written JSON file per key under a folder, held in
/// memory. Callers serialise changes with <see cref="LockAsync"/>. A commit writes the committed record before it
/// deletes the active one; a crash in between leaves both pointing at one id, and loading drops the active one.
/// </summary>
public sealed class SnapshotIndex
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly string folder;
    private readonly Dictionary<string, SnapshotRecord> records = new(StringComparer.Ordinal);
    private readonly AsyncLock gate = new();

    private SnapshotIndex(string folder) => this.folder = folder;

    public static async Task<SnapshotIndex> LoadAsync(string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var index = new SnapshotIndex(folder);
        var loaded = new List<(string File, SnapshotRecord Record)>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
        {
            try
            {
                await using var stream = File.OpenRead(file);
                var record = await JsonSerializer.DeserializeAsync<SnapshotRecord>(stream, Json, cancellationToken).ConfigureAwait(false);
                if (record is not null) loaded.Add((file, record));
            }
            catch (JsonException)
            {
                File.Delete(file); // a torn temp never becomes a record; a corrupt one names nothing usable
            }
        }
        var committedIds = loaded.Where(l => l.Record.Kind == SnapshotKind.Committed).Select(l => l.Record.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (file, record) in loaded)
        {
            if (record.Kind != SnapshotKind.Committed && committedIds.Contains(record.Id))
            {
                File.Delete(file); // an interrupted commit: the committed record won
                continue;
            }
            index.records[record.Key] = record;
        }
        foreach (var temp in Directory.EnumerateFiles(folder, ".*.tmp")) File.Delete(temp);
        return index;
    }

    public Task<IDisposable> LockAsync(CancellationToken cancellationToken) => gate.LockAsync(cancellationToken);

    public IReadOnlyList<SnapshotRecord> All
    {
        get
        {
            lock (records) return [.. records.Values];
        }
    }

    public SnapshotRecord? Find(string key)
    {
        lock (records) return records.GetValueOrDefault(key);
    }

    public SnapshotRecord Require(string key) =>
        Find(key) ?? throw BerthException.NotFound($"snapshot {key} does not exist: not found");

    public bool HasChildren(string key)
    {
        lock (records) return records.Values.Any(r => r.Parent == key);
    }

    /// <summary>containerd's rules for a new snapshot: the key is free and the parent, if any, is committed.</summary>
    /// <returns>The parent's record, or null for a snapshot without parent.</returns>
    public SnapshotRecord? CheckNew(string key, string? parent)
    {
        if (string.IsNullOrEmpty(key)) throw BerthException.Invalid("snapshot key must not be empty");
        if (Find(key) is not null) throw BerthException.Conflict($"snapshot {key} already exists");
        if (string.IsNullOrEmpty(parent)) return null;
        var parentRecord = Find(parent) ?? throw BerthException.NotFound($"parent snapshot {parent} does not exist: not found");
        return parentRecord.Kind == SnapshotKind.Committed ? parentRecord : throw BerthException.Invalid($"parent snapshot {parent} is not committed");
    }

    /// <summary>containerd's rules for a commit: <paramref name="key"/> is active and <paramref name="name"/> is free.</summary>
    public SnapshotRecord CheckCommit(string key, string name)
    {
        if (string.IsNullOrEmpty(name)) throw BerthException.Invalid("snapshot name must not be empty");
        var active = Require(key);
        if (active.Kind != SnapshotKind.Active)
            throw BerthException.Invalid($"snapshot {key} is a {active.Kind.ToString().ToLowerInvariant()} snapshot: only active snapshots can be committed");
        return Find(name) is null ? active : throw BerthException.Conflict($"snapshot {name} already exists");
    }

    /// <summary>containerd's rule for a removal: the snapshot exists and nothing is built on it.</summary>
    public SnapshotRecord CheckRemovable(string key)
    {
        var record = Require(key);
        return HasChildren(key) ? throw BerthException.Conflict($"cannot remove snapshot {key}: it has children (failed precondition)") : record;
    }

    public async Task SaveAsync(SnapshotRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(record, Json);
        await AtomicFile.WriteAllBytesAsync(FileOf(record.Key), bytes, cancellationToken).ConfigureAwait(false);
        lock (records) records[record.Key] = record;
    }

    public void Delete(string key)
    {
        File.Delete(FileOf(key));
        AtomicFile.SyncDirectory(folder);
        lock (records) records.Remove(key);
    }

    private string FileOf(string key) =>
        Path.Combine(folder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))) + ".json");

}
