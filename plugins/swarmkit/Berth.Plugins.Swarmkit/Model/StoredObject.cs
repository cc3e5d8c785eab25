using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Plugins.Swarmkit.Model;

/// <summary>The Engine API's <c>Version</c>: the raft index of the write that last changed the object.</summary>
public sealed record ObjectVersion(long Index);

/// <summary>
/// What every replicated object shares. Records serialise to the Engine API's JSON as they are; members the
/// backend does not model are kept in <see cref="Extra"/> so a spec reads back exactly as it was sent.
/// </summary>
public abstract record StoredObject
{
    public string ID { get; init; } = "";
    public ObjectVersion Version { get; init; } = new(0);
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }

    [JsonIgnore]
    public abstract ObjectKind Kind { get; }

    /// <summary>The name that must be unique among objects of its kind, or null when names may repeat.</summary>
    [JsonIgnore]
    public virtual string? UniqueName => null;

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}
