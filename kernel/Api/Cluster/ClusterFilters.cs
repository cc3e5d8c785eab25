using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Berth.Kernel.Api.Cluster;

/// <summary>The <c>filters</c> parameter, checked and normalised to <c>{"key":["value",…]}</c> for the cluster backend.</summary>
public static class ClusterFilters
{
    public static Dictionary<string, IReadOnlyList<string>> Read(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Dictionary<string, IReadOnlyList<string>>(FilterArgs.Parse(context.Request.Query["filters"]), StringComparer.Ordinal);
    }

    public static JsonElement ToJson(IReadOnlyDictionary<string, IReadOnlyList<string>> filters) =>
        JsonSerializer.SerializeToElement(filters.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
}
