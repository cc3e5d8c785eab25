using System.Text.Json;
using Berth.Kernel.Images.Content;
using Berth.Sdk;

namespace Berth.Kernel.Images.Store;

/// <summary>
/// An image config (Docker's image JSON / the OCI image config) as stored: the exact bytes, whose digest is the image
/// id, and the fields Berth reads from them.
/// </summary>
public sealed class ImageConfig
{
    private ImageConfig(byte[] bytes, JsonElement root, IReadOnlyList<string> diffIds, IReadOnlyList<HistoryEntry> history)
    {
        Bytes = bytes;
        Root = root;
        Id = Digests.Of(bytes);
        DiffIds = diffIds;
        History = history;
    }

    public byte[] Bytes { get; }
    public JsonElement Root { get; }
    public string Id { get; }
    public IReadOnlyList<string> DiffIds { get; }
    public IReadOnlyList<HistoryEntry> History { get; }

    public DateTimeOffset? Created => DateOf(Root, "created");
    public string Architecture => String("architecture") ?? "amd64";
    public string Os => String("os") ?? "linux";
    public string? Variant => String("variant");
    public string? Author => String("author");
    public string? Comment => String("comment");
    public string? DockerVersion => String("docker_version");
    public string? ParentId => String("parent");
    public JsonElement? Config => Root.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? c : null;
    public JsonElement? ContainerConfig => Root.TryGetProperty("container_config", out var c) && c.ValueKind == JsonValueKind.Object ? c : null;

    public IReadOnlyDictionary<string, string> Labels
    {
        get
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Config is { } config && config.TryGetProperty("Labels", out var l) && l.ValueKind == JsonValueKind.Object)
                foreach (var p in l.EnumerateObject()) labels[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.ToString();
            return labels;
        }
    }

    /// <exception cref="BerthException">Not JSON, or not an image config (no <c>rootfs</c> of type <c>layers</c> with valid diff ids).</exception>
    public static ImageConfig Parse(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw BerthException.Invalid($"invalid image config: {ex.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("rootfs", out var rootfs) || rootfs.ValueKind != JsonValueKind.Object
            || !rootfs.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "layers")
            throw BerthException.Invalid("invalid image config: rootfs.type must be \"layers\"");
        var diffIds = new List<string>();
        if (rootfs.TryGetProperty("diff_ids", out var ids) && ids.ValueKind == JsonValueKind.Array)
        {
            foreach (var id in ids.EnumerateArray())
            {
                var text = id.ValueKind == JsonValueKind.String ? id.GetString() : null;
                if (!Digests.IsValid(text)) throw BerthException.Invalid($"invalid image config: diff id \"{id}\" is not a sha256 digest");
                diffIds.Add(text!);
            }
        }
        var history = new List<HistoryEntry>();
        if (root.TryGetProperty("history", out var h) && h.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in h.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object) continue;
                history.Add(new HistoryEntry(
                    DateOf(entry, "created"), StringOf(entry, "created_by"), StringOf(entry, "comment"), StringOf(entry, "author"),
                    entry.TryGetProperty("empty_layer", out var empty) && empty.ValueKind == JsonValueKind.True));
            }
        }
        return new ImageConfig(bytes, root, diffIds, history);
    }

    private string? String(string name) => StringOf(Root, name);

    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? DateOf(JsonElement element, string name) =>
        StringOf(element, name) is { } text && DateTimeOffset.TryParse(text, global::System.Globalization.CultureInfo.InvariantCulture, global::System.Globalization.DateTimeStyles.AssumeUniversal, out var date)
            ? date : null;
}

public sealed record HistoryEntry(DateTimeOffset? Created, string? CreatedBy, string? Comment, string? Author, bool EmptyLayer);
