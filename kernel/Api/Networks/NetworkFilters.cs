using Berth.Kernel.Networks;
using Berth.Sdk;

namespace Berth.Kernel.Api.Networks;

/// <summary><c>docker network ls|prune --filter</c>: driver, id, label, name, scope, type (custom|builtin), dangling; until for prune.</summary>
public static class NetworkFilters
{
    private static readonly HashSet<string> Known = ["driver", "id", "label", "name", "scope", "type", "dangling", "until"];

    public static Func<NetworkRecord, bool> Build(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, Func<NetworkRecord, bool> inUse)
    {
        ArgumentNullException.ThrowIfNull(filters);
        foreach (var key in filters.Keys.Where(k => !Known.Contains(k))) throw BerthException.Invalid($"invalid filter '{key}'");
        foreach (var type in Values(filters, "type").Where(t => t is not ("custom" or "builtin")))
            throw BerthException.Invalid($"invalid filter: 'type'='{type}'");
        DateTimeOffset? until = Values(filters, "until").FirstOrDefault() is { } u ? Timestamps.Parse(u, "until") : null;
        return network =>
            Any(filters, "driver", v => v == network.Driver)
            && Any(filters, "id", v => network.Id.StartsWith(v, StringComparison.Ordinal))
            && Any(filters, "name", v => network.Name.Contains(v, StringComparison.Ordinal))
            && Any(filters, "scope", v => v == network.Scope)
            && Any(filters, "type", v => (v == "builtin") == network.Predefined)
            && Any(filters, "dangling", v => (v is "true" or "1") == !inUse(network))
            && All(filters, "label", v => HasLabel(network, v))
            && (until is null || network.Created < until);
    }

    private static IEnumerable<string> Values(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, string key) =>
        filters.TryGetValue(key, out var values) ? values : [];

    private static bool Any(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, string key, Func<string, bool> match) =>
        !filters.TryGetValue(key, out var values) || values.Any(match);

    private static bool All(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, string key, Func<string, bool> match) =>
        !filters.TryGetValue(key, out var values) || values.All(match);

    private static bool HasLabel(NetworkRecord network, string filter)
    {
        var eq = filter.IndexOf('=', StringComparison.Ordinal);
        return eq < 0
            ? network.Labels.ContainsKey(filter)
            : network.Labels.TryGetValue(filter[..eq], out var value) && value == filter[(eq + 1)..];
    }
}
