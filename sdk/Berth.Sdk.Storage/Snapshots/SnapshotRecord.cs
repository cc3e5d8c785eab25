using Berth.Sdk.Snapshots;

namespace Berth.Sdk.Storage.Snapshots;

/// <summary>One snapshot as a driver keeps it: its key, the driver's own id for its storage, kind, parent and labels.</summary>
public sealed record SnapshotRecord(
    string Key,
    string Id,
    SnapshotKind Kind,
    string? Parent,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    long Size = 0,
    long Inodes = 0)
{
    public SnapshotInfo ToInfo() => new(Kind, Key, Parent, Labels, Created, Updated);
}
