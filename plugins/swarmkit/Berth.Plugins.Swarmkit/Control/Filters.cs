using System.Text.Json;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Control;

/// <summary>Engine API list filters (<c>{"name":["x"]}</c>, or the older <c>{"name":{"x":true}}</c>).</summary>
public sealed class Filters
{
    private readonly Dictionary<string, IReadOnlyList<string>> values;

    private Filters(Dictionary<string, IReadOnlyList<string>> values) => this.values = values;

    public static Filters Parse(JsonElement element, params string[] accepted)
    {
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (!accepted.Contains(property.Name))
                    throw BerthException.Invalid($"invalid filter '{property.Name}'");
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.Array => property.Value.EnumerateArray().Select(v => v.GetString() ?? "").ToList(),
                    JsonValueKind.Object => property.Value.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.False).Select(p => p.Name).ToList(),
                    JsonValueKind.String => [property.Value.GetString()!],
                    _ => throw BerthException.Invalid($"invalid filter '{property.Name}'"),
                };
            }
        }
        return new Filters(values);
    }

    /// <summary>True when the filter is absent or any of its values satisfies <paramref name="match"/>.</summary>
    public bool Any(string key, Func<string, bool> match) => !values.TryGetValue(key, out var wanted) || wanted.Count == 0 || wanted.Any(match);

    /// <summary>Label filters: every <c>key</c> or <c>key=value</c> given must hold.</summary>
    public bool Labels(string key, IReadOnlyDictionary<string, string>? labels)
    {
        if (!values.TryGetValue(key, out var wanted))
            return true;
        foreach (var item in wanted)
        {
            var parts = item.Split('=', 2);
            if (labels is null || !labels.TryGetValue(parts[0], out var actual))
                return false;
            if (parts.Length == 2 && actual != parts[1])
                return false;
        }
        return true;
    }

    public static bool IdPrefix(string id, string wanted) => id.StartsWith(wanted, StringComparison.Ordinal);
}
