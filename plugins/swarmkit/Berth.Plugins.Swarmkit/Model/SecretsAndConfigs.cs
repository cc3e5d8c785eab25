using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Plugins.Swarmkit.Model;

/// <summary>A secret. In the store <see cref="FileSpec.Data"/> holds the payload sealed with the cluster's data key; the API never returns it.</summary>
public sealed record Secret : StoredObject
{
    public override ObjectKind Kind => ObjectKind.Secret;
    public override string? UniqueName => Spec.Name;
    public FileSpec Spec { get; init; } = new();
}

public sealed record Config : StoredObject
{
    public override ObjectKind Kind => ObjectKind.Config;
    public override string? UniqueName => Spec.Name;
    public FileSpec Spec { get; init; } = new();
}

/// <summary>SecretSpec and ConfigSpec: Name, Labels, Data (base64), Driver, Templating.</summary>
public sealed record FileSpec
{
    public string Name { get; init; } = "";
    public Dictionary<string, string>? Labels { get; init; }
    public string? Data { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}
