using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Kernel.Plugins.V1;

/// <summary>JSON as Go's encoding/json speaks it to v1 plugins: field names as declared (PascalCase), read case-insensitively.</summary>
internal static class V1Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public static byte[] Serialize(object? value) => value is null ? [] : JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), Options);

    public static T Deserialize<T>(JsonElement element) => element.Deserialize<T>(Options)!;
}
