using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Driver;

/// <summary>The Engine API's list filters (<c>{"name":["web"]}</c>, or the older <c>{"name":{"web":true}}</c>) per object kind.</summary>
public sealed class ObjectFilters
{
    private static readonly Dictionary<string, string[]> Accepted = new()
    {
        ["nodes"] = ["id", "label", "membership", "name", "node.label", "role"],
        ["services"] = ["id", "label", "mode", "name"],
        ["tasks"] = ["desired-state", "id", "label", "name", "node", "service", "_up-to-date"], // the CLI's progress monitor sends _up-to-date: every stored task is
        ["secrets"] = ["id", "label", "name", "names"],
        ["configs"] = ["id", "label", "name", "names"],
    };

    private readonly Dictionary<string, List<string>> values;

    private ObjectFilters(Dictionary<string, List<string>> values) => this.values = values;

    public static ObjectFilters Parse(string kind, JsonElement filters)
    {
        var accepted = Accepted.TryGetValue(kind, out var names) ? names : throw BerthException.Invalid($"unknown object kind \"{kind}\"");
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (filters.ValueKind != JsonValueKind.Object) return new ObjectFilters(values);
        foreach (var filter in filters.EnumerateObject())
        {
            if (!accepted.Contains(filter.Name)) throw BerthException.Invalid($"invalid filter '{filter.Name}'");
            values[filter.Name] = filter.Value.ValueKind switch
            {
                JsonValueKind.Array => [.. filter.Value.EnumerateArray().Select(v => v.GetString() ?? "")],
                JsonValueKind.Object => [.. filter.Value.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.False).Select(p => p.Name)],
                _ => throw BerthException.Invalid($"invalid filter '{filter.Name}'"),
            };
        }
        return new ObjectFilters(values);
    }

    public bool Matches(string kind, JsonObject document, SwarmState state)
    {
        var spec = document["Spec"];
        var name = (kind == "tasks" ? TaskName(document, state) : SwarmState.NameOf(kind, document)) ?? "";
        return Any("id", v => SwarmState.Id(document).StartsWith(v, StringComparison.Ordinal))
            && Any("name", v => name.StartsWith(v, StringComparison.Ordinal))
            && Any("names", v => name == v)
            && Labels("label", spec?["Labels"] ?? document["Labels"])
            && Labels("node.label", spec?["Labels"])
            && Any("role", v => Text(spec?["Role"]) == v)
            && Any("membership", v => v == "accepted")
            && Any("mode", v => spec?["Mode"]?[v == "global" ? "Global" : "Replicated"] is not null)
            && Any("desired-state", v => Text(document["DesiredState"]) == v)
            && Any("node", v => Text(document["NodeID"]) is { } node && state.Find("nodes", v) is { } found && SwarmState.Id(found) == node)
            && Any("service", v => Text(document["ServiceID"]) is { } id && state.Find("services", v) is { } service && SwarmState.Id(service) == id);
    }

    /// <summary>Tasks are named <c>&lt;service&gt;.&lt;slot&gt;</c>, as swarmkit matches them.</summary>
    private static string? TaskName(JsonObject task, SwarmState state) =>
        state.Objects("services")[Text(task["ServiceID"]) ?? ""] is JsonObject service ? $"{SwarmState.NameOf("services", service)}.{task["Slot"]}" : null;

    /// <summary>True when the filter is absent or any of its values matches.</summary>
    private bool Any(string key, Func<string, bool> match) => !values.TryGetValue(key, out var wanted) || wanted.Count == 0 || wanted.Any(match);

    /// <summary>Every <c>key</c> or <c>key=value</c> given holds.</summary>
    private bool Labels(string key, JsonNode? labels) =>
        !values.TryGetValue(key, out var wanted) || wanted.All(item =>
        {
            var parts = item.Split('=', 2);
            return labels?[parts[0]] is { } actual && (parts.Length == 1 || Text(actual) == parts[1]);
        });

    private static string? Text(JsonNode? node) => node?.GetValue<string>();
}
