using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Plugins.Swarmkit.Model;

/// <summary>One serialiser setting for the store, the wire between nodes and the Engine API documents.</summary>
public static class SwarmJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = true,
    };

    public static JsonElement ToElement<T>(T value) => JsonSerializer.SerializeToElement(value, Options);

    public static T From<T>(JsonElement element) =>
        element.Deserialize<T>(Options) ?? throw new Berth.Sdk.BerthException(Berth.Sdk.BerthErrorKind.InvalidParameter, $"a {typeof(T).Name} document is required");
}
