using System.Text.Json;

namespace Berth.Kernel.Cluster.Agent;

/// <summary>Lenient reads of Engine API documents: a missing or mistyped field reads as absent.</summary>
internal static class JsonFields
{
    public static JsonElement? Child(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static JsonElement? Child(this JsonElement? element, string name) => element is { } e ? e.Child(name) : null;

    public static string? String(this JsonElement? element, string name) =>
        element.Child(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static string? String(this JsonElement element, string name) => ((JsonElement?)element).String(name);

    public static long? Int64(this JsonElement? element, string name) =>
        element.Child(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var n) ? n : null;

    public static bool? Bool(this JsonElement? element, string name) =>
        element.Child(name) is { ValueKind: JsonValueKind.True or JsonValueKind.False } value ? value.GetBoolean() : null;

    public static IReadOnlyList<string> Strings(this JsonElement? element, string name) =>
        element.Child(name) is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];

    public static IEnumerable<JsonElement> Items(this JsonElement? element, string name) =>
        element.Child(name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray().ToList() : [];

    public static IReadOnlyDictionary<string, string> Map(this JsonElement? element, string name) =>
        element.Child(name) is { ValueKind: JsonValueKind.Object } map
            ? map.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
}
