using System.Collections.Immutable;
using Berth.Plugins.Swarmkit.Model;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Store;

/// <summary>
/// The replicated state as an immutable snapshot: every member applies the same committed batches in the same
/// order and reaches the same state. Readers hold a snapshot as long as they like; a write makes a new one.
/// </summary>
public sealed record ClusterState
{
    public static readonly ClusterState Empty = new();

    /// <summary>The raft index of the last batch applied.</summary>
    public long Index { get; init; }

    public ImmutableDictionary<string, Node> Nodes { get; init; } = ImmutableDictionary<string, Node>.Empty;
    public ImmutableDictionary<string, Service> Services { get; init; } = ImmutableDictionary<string, Service>.Empty;
    public ImmutableDictionary<string, SwarmTask> Tasks { get; init; } = ImmutableDictionary<string, SwarmTask>.Empty;
    public ImmutableDictionary<string, Secret> Secrets { get; init; } = ImmutableDictionary<string, Secret>.Empty;
    public ImmutableDictionary<string, Config> Configs { get; init; } = ImmutableDictionary<string, Config>.Empty;
    public ClusterObject? Cluster { get; init; }
    public ClusterKeys? Keys { get; init; }

    public StoredObject? Find(ObjectKind kind, string id) => kind switch
    {
        ObjectKind.Node => Nodes.GetValueOrDefault(id),
        ObjectKind.Service => Services.GetValueOrDefault(id),
        ObjectKind.Task => Tasks.GetValueOrDefault(id),
        ObjectKind.Secret => Secrets.GetValueOrDefault(id),
        ObjectKind.Config => Configs.GetValueOrDefault(id),
        ObjectKind.Cluster => Cluster is { } c && c.ID == id ? c : null,
        ObjectKind.Keys => Keys is { } k && k.ID == id ? k : null,
        _ => null,
    };

    public IEnumerable<StoredObject> All(ObjectKind kind) => kind switch
    {
        ObjectKind.Node => Nodes.Values,
        ObjectKind.Service => Services.Values,
        ObjectKind.Task => Tasks.Values,
        ObjectKind.Secret => Secrets.Values,
        ObjectKind.Config => Configs.Values,
        ObjectKind.Cluster => Cluster is null ? [] : [Cluster],
        ObjectKind.Keys => Keys is null ? [] : [Keys],
        _ => [],
    };

    /// <summary>Applies a committed batch at <paramref name="index"/>: all of it, or none of it with the reason.</summary>
    public ApplyResult Apply(StoreCommand command, long index)
    {
        var state = this;
        var changes = new List<ObjectChange>(command.Ops.Count);
        foreach (var op in command.Ops)
        {
            var (next, change, error) = state.ApplyOne(op, command.Timestamp, index);
            if (error is not null)
                return new ApplyResult(this with { Index = index }, [], error);
            state = next;
            changes.Add(change!);
        }
        return new ApplyResult(state with { Index = index }, changes, null);
    }

    private (ClusterState State, ObjectChange? Change, StoreError? Error) ApplyOne(StoreOp op, DateTime timestamp, long index)
    {
        var current = Find(op.Kind, op.Id);
        var noun = op.Kind.Noun();
        switch (op.Action)
        {
            case StoreAction.Create:
            {
                var value = op.Object ?? throw new ArgumentException("create without an object");
                if (current is not null)
                    return Refuse(BerthErrorKind.Conflict, $"{noun} {op.Id} already exists");
                if (NameTaken(value, op.Kind) is { } taken)
                    return Refuse(BerthErrorKind.Conflict, taken);
                var stored = value with { Version = new(index), CreatedAt = timestamp, UpdatedAt = timestamp };
                return (With(stored), new ObjectChange(op.Kind, op.Action, null, stored), null);
            }
            case StoreAction.Update:
            {
                var value = op.Object ?? throw new ArgumentException("update without an object");
                if (current is null)
                    return Refuse(BerthErrorKind.NotFound, $"{noun} {op.Id} not found");
                if (op.IfVersion is { } expected && expected != current.Version.Index)
                    return Refuse(BerthErrorKind.Conflict, StoreError.OutOfSequence);
                if (NameTaken(value, op.Kind) is { } taken)
                    return Refuse(BerthErrorKind.Conflict, taken);
                var stored = value with { Version = new(index), CreatedAt = current.CreatedAt, UpdatedAt = timestamp };
                return (With(stored), new ObjectChange(op.Kind, op.Action, current, stored), null);
            }
            case StoreAction.Delete:
                if (current is null)
                    return Refuse(BerthErrorKind.NotFound, $"{noun} {op.Id} not found");
                if (op.IfVersion is { } v && v != current.Version.Index)
                    return Refuse(BerthErrorKind.Conflict, StoreError.OutOfSequence);
                return (Without(op.Kind, op.Id), new ObjectChange(op.Kind, op.Action, current, null), null);
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op.Action, "unknown store action");
        }
    }

    private static (ClusterState, ObjectChange?, StoreError?) Refuse(BerthErrorKind kind, string message) => (Empty, null, new StoreError(kind, message));

    // Names are unique per kind regardless of case, as swarmkit's name index.
    private string? NameTaken(StoredObject value, ObjectKind kind)
    {
        if (value.UniqueName is not { Length: > 0 } name)
            return null;
        var other = All(kind).FirstOrDefault(o => o.ID != value.ID && string.Equals(o.UniqueName, name, StringComparison.OrdinalIgnoreCase));
        return other is null ? null : $"name conflicts with an existing object: {kind.Noun()} {name} already exists";
    }

    private ClusterState With(StoredObject value) => value switch
    {
        Node n => this with { Nodes = Nodes.SetItem(n.ID, n) },
        Service s => this with { Services = Services.SetItem(s.ID, s) },
        SwarmTask t => this with { Tasks = Tasks.SetItem(t.ID, t) },
        Secret s => this with { Secrets = Secrets.SetItem(s.ID, s) },
        Config c => this with { Configs = Configs.SetItem(c.ID, c) },
        ClusterObject c => this with { Cluster = c },
        ClusterKeys k => this with { Keys = k },
        _ => throw new ArgumentException($"not a stored object: {value.GetType().Name}"),
    };

    private ClusterState Without(ObjectKind kind, string id) => kind switch
    {
        ObjectKind.Node => this with { Nodes = Nodes.Remove(id) },
        ObjectKind.Service => this with { Services = Services.Remove(id) },
        ObjectKind.Task => this with { Tasks = Tasks.Remove(id) },
        ObjectKind.Secret => this with { Secrets = Secrets.Remove(id) },
        ObjectKind.Config => this with { Configs = Configs.Remove(id) },
        ObjectKind.Cluster => this with { Cluster = null },
        ObjectKind.Keys => this with { Keys = null },
        _ => this,
    };
}

/// <summary>The state after a batch and what changed; on refusal the state is unchanged apart from its index and <see cref="Error"/> says why.</summary>
public sealed record ApplyResult(ClusterState State, IReadOnlyList<ObjectChange> Changes, StoreError? Error);
