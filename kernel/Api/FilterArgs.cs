using System.Text.Json;
using Berth.Sdk;

namespace Berth.Kernel.Api;

/// <summary>The <c>filters</c> query parameter: a JSON map of sets (<c>{"type":{"container":true}}</c>) or of lists (docker-py).</summary>
public static class FilterArgs
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Parse(string? text)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return result;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw BerthException.Invalid($"invalid filters: {ex.Message}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw BerthException.Invalid("invalid filters: expected a JSON object");
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                var values = property.Value.ValueKind switch
                {
                    JsonValueKind.Object => property.Value.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.False).Select(p => p.Name).ToList(),
                    JsonValueKind.Array => property.Value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()).ToList(),
                    JsonValueKind.String => [property.Value.GetString()!],
                    _ => throw BerthException.Invalid($"invalid filters: bad value for \"{property.Name}\""),
                };
                result[property.Name] = values;
            }
        }
        return result;
    }
}
