using System.Text.Json.Nodes;
using Berth.Kernel.Images;
using Berth.Kernel.Images.Store;

namespace Berth.Kernel.Api.Images;

/// <summary>The Engine API's image documents: summary (<c>docker images</c>), inspect and history.</summary>
public static class ImageViews
{
    private static readonly Version NoVirtualSize = new(1, 44);

    public static JsonObject Summary(ImageService images, ImageEntry image, Version api)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(image);
        var size = images.SizeOf(image);
        var summary = new JsonObject
        {
            ["Containers"] = -1,
            ["Created"] = image.Config.Created?.ToUnixTimeSeconds() ?? 0,
            ["Id"] = image.Id,
            ["Labels"] = Labels(image),
            ["ParentId"] = image.Config.ParentId ?? "",
            ["RepoDigests"] = Strings(RepoDigests(images, image)),
            ["RepoTags"] = Strings(RepoTags(images, image)),
            ["SharedSize"] = -1,
            ["Size"] = size,
        };
        if (api < NoVirtualSize) summary["VirtualSize"] = size;
        return summary;
    }

    public static JsonObject Inspect(ImageService images, ImageEntry image, string storageDriver, Version api)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(image);
        var config = image.Config;
        var size = images.SizeOf(image);
        var inspect = new JsonObject
        {
            ["Id"] = image.Id,
            ["RepoTags"] = Strings(RepoTags(images, image)),
            ["RepoDigests"] = Strings(RepoDigests(images, image)),
            ["Parent"] = config.ParentId ?? "",
            ["Comment"] = config.Comment ?? "",
            ["Created"] = config.Created is { } created ? Timestamps.Rfc3339(created) : "",
            ["DockerVersion"] = config.DockerVersion ?? "",
            ["Author"] = config.Author ?? "",
            ["Config"] = config.Config is { } c ? JsonNode.Parse(c.GetRawText()) : null,
            ["Architecture"] = config.Architecture,
        };
        if (!string.IsNullOrEmpty(config.Variant)) inspect["Variant"] = config.Variant;
        inspect["Os"] = config.Os;
        inspect["Size"] = size;
        if (api < NoVirtualSize)
        {
            inspect["VirtualSize"] = size;
            inspect["Container"] = "";
            inspect["ContainerConfig"] = config.ContainerConfig is { } cc ? JsonNode.Parse(cc.GetRawText()) : null;
        }
        inspect["GraphDriver"] = new JsonObject { ["Name"] = storageDriver, ["Data"] = null };
        inspect["RootFS"] = new JsonObject { ["Type"] = "layers", ["Layers"] = Strings(config.DiffIds) };
        inspect["Metadata"] = new JsonObject
        {
            ["LastTagTime"] = image.Record.LastTagTime is { } tagged ? Timestamps.Rfc3339(tagged) : "0001-01-01T00:00:00Z",
        };
        return inspect;
    }

    /// <summary>Moby's history: one row per history entry, newest first, the top one carrying the image id and tags.</summary>
    public static JsonArray History(ImageService images, ImageEntry image)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(image);
        var rows = new List<JsonObject>();
        var layer = 0;
        foreach (var entry in image.Config.History)
        {
            long size = 0;
            if (!entry.EmptyLayer && layer < image.ChainIds.Count)
            {
                size = images.Layers.Find(image.ChainIds[layer])?.Size ?? 0;
                layer++;
            }
            rows.Add(new JsonObject
            {
                ["Comment"] = entry.Comment ?? "",
                ["Created"] = entry.Created?.ToUnixTimeSeconds() ?? 0,
                ["CreatedBy"] = entry.CreatedBy ?? "",
                ["Id"] = "<missing>",
                ["Size"] = size,
                ["Tags"] = null,
            });
        }
        if (rows.Count == 0)
            rows.Add(new JsonObject { ["Comment"] = image.Config.Comment ?? "", ["Created"] = image.Config.Created?.ToUnixTimeSeconds() ?? 0, ["CreatedBy"] = "", ["Id"] = "<missing>", ["Size"] = images.SizeOf(image), ["Tags"] = null });
        rows.Reverse();
        rows[0]["Id"] = image.Id;
        var tags = RepoTags(images, image);
        rows[0]["Tags"] = tags.Count == 0 ? null : Strings(tags);
        return new JsonArray([.. rows]);
    }

    public static IReadOnlyList<string> RepoTags(ImageService images, ImageEntry image) =>
        [.. images.References.ReferencesTo(image.Id).Where(r => r.Digest is null).Select(r => r.FamiliarString)];

    public static IReadOnlyList<string> RepoDigests(ImageService images, ImageEntry image) =>
        [.. images.References.ReferencesTo(image.Id).Where(r => r.Digest is not null).Select(r => r.FamiliarRepository + "@" + r.Digest)];

    private static JsonObject? Labels(ImageEntry image)
    {
        var labels = image.Config.Labels;
        if (labels.Count == 0) return null;
        var node = new JsonObject();
        foreach (var (k, v) in labels) node[k] = v;
        return node;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
}
