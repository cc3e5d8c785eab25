using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Store;

public enum StoreAction
{
    Create,
    Update,
    Delete,
}

/// <summary>
/// One change in a batch. Exactly one object member is set for create and update (typed so the log entry
/// serialises without a type discriminator); delete names the kind and id.
/// </summary>
/// <param name="IfVersion">For update and delete: refuse unless the stored object still has this version (optimistic concurrency).</param>
public sealed record StoreOp(
    StoreAction Action,
    ObjectKind Kind,
    string Id,
    long? IfVersion = null,
    Node? Node = null,
    Service? Service = null,
    SwarmTask? Task = null,
    Secret? Secret = null,
    Config? Config = null,
    ClusterObject? Cluster = null,
    ClusterKeys? Keys = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public StoredObject? Object => (StoredObject?)Node ?? (StoredObject?)Service ?? (StoredObject?)Task ?? (StoredObject?)Secret
        ?? (StoredObject?)Config ?? (StoredObject?)Cluster ?? Keys;

    public static StoreOp Create(StoredObject value) => With(StoreAction.Create, value, null);

    /// <summary>An update checked against the version the caller read (<see cref="StoredObject.Version"/> of <paramref name="value"/>).</summary>
    public static StoreOp Update(StoredObject value) => With(StoreAction.Update, value, value.Version.Index);

    /// <summary>An update that overwrites whatever version is stored (status reports, which only move forward).</summary>
    public static StoreOp Overwrite(StoredObject value) => With(StoreAction.Update, value, null);

    public static StoreOp Delete(ObjectKind kind, string id, long? ifVersion = null) => new(StoreAction.Delete, kind, id, ifVersion);

    private static StoreOp With(StoreAction action, StoredObject value, long? ifVersion) => value switch
    {
        Node n => new(action, ObjectKind.Node, n.ID, ifVersion, Node: n),
        Service s => new(action, ObjectKind.Service, s.ID, ifVersion, Service: s),
        SwarmTask t => new(action, ObjectKind.Task, t.ID, ifVersion, Task: t),
        Secret s => new(action, ObjectKind.Secret, s.ID, ifVersion, Secret: s),
        Config c => new(action, ObjectKind.Config, c.ID, ifVersion, Config: c),
        ClusterObject c => new(action, ObjectKind.Cluster, c.ID, ifVersion, Cluster: c),
        ClusterKeys k => new(action, ObjectKind.Keys, k.ID, ifVersion, Keys: k),
        _ => throw new ArgumentException($"not a stored object: {value.GetType().Name}", nameof(value)),
    };
}

/// <summary>A batch applied all or nothing. <paramref name="Timestamp"/> is the proposer's clock, so every member stamps the same time.</summary>
public sealed record StoreCommand(DateTime Timestamp, IReadOnlyList<StoreOp> Ops);
