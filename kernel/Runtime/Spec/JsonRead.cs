using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>Tolerant readers for Engine API objects: a missing or null field reads as Go's zero value.</summary>
internal static class JsonRead
{
    public static string String(JsonObject json, string key) => json[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : "";

    public static long Long(JsonObject json, string key) => NullableLong(json, key) ?? 0;

    public static long? NullableLong(JsonObject json, string key) => json[key] is JsonValue value ? AsLong(value) : null;

    public static bool Bool(JsonObject json, string key) => NullableBool(json, key) ?? false;

    public static bool? NullableBool(JsonObject json, string key) =>
        json[key] is JsonValue value ? value.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        } : null;

    /// <summary>A string list; a bare string (Docker's strslice accepts one) is a one-element list.</summary>
    public static IReadOnlyList<string> Strings(JsonObject json, string key) => NullableStrings(json, key) ?? [];

    /// <summary>Like <see cref="Strings"/> but null when the field is absent or null (MaskedPaths: null means "default").</summary>
    public static IReadOnlyList<string>? NullableStrings(JsonObject json, string key) => json[key] switch
    {
        JsonArray array => array.Select(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : item?.ToJsonString() ?? "").ToList(),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => [value.GetValue<string>()],
        _ => null,
    };

    /// <summary>A number list (ConsoleSize); non-numbers read as 0.</summary>
    public static IReadOnlyList<long> Longs(JsonObject json, string key) =>
        json[key] is JsonArray array ? array.Select(item => item is JsonValue v ? AsLong(v) ?? 0 : 0).ToList() : [];

    public static JsonObject? Object(JsonObject json, string key) => json[key] as JsonObject;

    public static IEnumerable<JsonObject> Objects(JsonObject json, string key) => json[key] is JsonArray array ? array.OfType<JsonObject>() : [];

    /// <summary>A string map (Sysctls, Tmpfs, Annotations) in document order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> StringMap(JsonObject json, string key) =>
        json[key] is JsonObject map
            ? map.Select(p => new KeyValuePair<string, string>(p.Key, p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : p.Value?.ToJsonString() ?? "")).ToList()
            : [];

    private static long? AsLong(JsonValue value)
    {
        if (value.GetValueKind() != JsonValueKind.Number) return null;
        var text = value.ToJsonString();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) return whole;
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var big)) return unchecked((long)big);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) ? (long)real : null;
    }
}
