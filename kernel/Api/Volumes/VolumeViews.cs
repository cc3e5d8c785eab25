using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Kernel.Volumes;

namespace Berth.Kernel.Api.Volumes;

/// <summary>The Engine API's Volume object as moby writes it: Labels always an object, Options null when none, Status omitted (the local driver has none), UsageData only in <c>system df</c>.</summary>
public static class VolumeViews
{
    public static JsonObject Volume(Volume volume, VolumeUsageData? usage = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var json = new JsonObject
        {
            ["CreatedAt"] = CreatedAt(volume.CreatedAt),
            ["Driver"] = volume.Driver,
            ["Labels"] = Map(volume.Labels),
            ["Mountpoint"] = volume.Mountpoint,
            ["Name"] = volume.Name,
            ["Options"] = volume.Options.Count == 0 ? null : Map(volume.Options),
            ["Scope"] = volume.Scope,
        };
        if (usage is { } u) json["UsageData"] = new JsonObject { ["Size"] = u.Size, ["RefCount"] = u.RefCount };
        return json;
    }

    /// <summary>The <c>Volumes</c> of <c>GET /system/df</c>: like moby, the local volumes without driver options, each with UsageData.</summary>
    public static JsonArray DiskUsage(VolumeService volumes)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        return [.. volumes.List().Where(v => v.Options.Count == 0).Select(v => (JsonNode?)Volume(v, volumes.UsageOf(v)))];
    }

    /// <summary>Go's time.RFC3339 (seconds, with the zone), in UTC as a daemon with TZ unset prints it.</summary>
    public static string CreatedAt(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Map(IReadOnlyDictionary<string, string> map) =>
        new(map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
}
