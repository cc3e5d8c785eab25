using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Volumes;

/// <summary>
/// <c>volumes/&lt;name&gt;/opts.json</c>: what moby keeps in its local driver's opts.json and its metadata.db together —
/// driver, driver options, labels and creation time — written atomically. A file in moby's own opts.json format
/// (<c>MountType</c>, <c>MountDevice</c>, <c>MountOpts</c>) reads as the same options, so a moby volume folder keeps its mount.
/// </summary>
internal static class VolumeMetadata
{
    public const string FileName = "opts.json";

    public sealed record Record(DateTimeOffset CreatedAt, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Options);

    public static Task WriteAsync(string volumeDirectory, Record record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var json = new JsonObject
        {
            ["Driver"] = VolumeNames.LocalDriver,
            ["CreatedAt"] = record.CreatedAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["Labels"] = ToJson(record.Labels),
            ["Options"] = ToJson(record.Options),
        };
        return AtomicFile.WriteAllBytesAsync(Path.Combine(volumeDirectory, FileName), JsonSerializer.SerializeToUtf8Bytes(json), cancellationToken);
    }

    /// <summary>The record, or null when the folder has no metadata file.</summary>
    /// <exception cref="JsonException">The file is not a metadata record.</exception>
    public static async Task<Record?> ReadAsync(string volumeDirectory, DateTimeOffset fallbackCreatedAt, CancellationToken cancellationToken)
    {
        var path = Path.Combine(volumeDirectory, FileName);
        if (!File.Exists(path)) return null;
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        if (JsonNode.Parse(bytes) is not JsonObject json) throw new JsonException($"{path} does not hold a JSON object");
        var created = json["CreatedAt"]?.GetValue<string>() is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : fallbackCreatedAt;
        return new Record(created, FromJson(json["Labels"]), json.ContainsKey("MountType") ? FromMobyOptions(json) : FromJson(json["Options"]));
    }

    private static JsonObject ToJson(IReadOnlyDictionary<string, string> map) =>
        new(map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));

    private static Dictionary<string, string> FromJson(JsonNode? node) =>
        node is JsonObject map
            ? map.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>moby's optsConfig: empty fields were never given.</summary>
    private static Dictionary<string, string> FromMobyOptions(JsonObject json)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, option) in new[] { ("MountType", LocalDriverOptions.Type), ("MountDevice", LocalDriverOptions.Device), ("MountOpts", LocalDriverOptions.MountOptions) })
            if (json[field]?.GetValue<string>() is { Length: > 0 } value) options[option] = value;
        return options;
    }
}
