using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Kernel.Containers;

/// <summary>Fills a create request's Config from the image's config, as Moby's daemon.merge does.</summary>
public static class ContainerConfigMerge
{
    public static void Apply(JsonObject config, JsonElement? imageConfig)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (imageConfig is not { } image) return;
        var img = JsonNode.Parse(image.GetRawText())!.AsObject();

        if (IsEmpty(config["User"])) config["User"] = img["User"]?.DeepClone();
        MergeEnv(config, img["Env"] as JsonArray);
        MergeMap(config, img, "ExposedPorts");
        MergeMap(config, img, "Volumes");
        MergeMap(config, img, "Labels");
        var entrypointGiven = config["Entrypoint"] is JsonArray;
        if (!entrypointGiven && config["Entrypoint"] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            config["Entrypoint"] = new JsonArray(v.GetValue<string>());
            entrypointGiven = true;
        }
        if (IsEmptyList(config["Cmd"]) && !entrypointGiven)
        {
            config["Cmd"] = img["Cmd"]?.DeepClone();
        }
        if (!entrypointGiven) config["Entrypoint"] = img["Entrypoint"]?.DeepClone();
        if (config["Entrypoint"] is JsonArray { Count: 1 } only && only[0] is JsonValue && IsEmpty(only[0])) config["Entrypoint"] = null; // [""] (--entrypoint ""): none, as Moby's mergeAndVerifyConfig
        if (IsEmpty(config["WorkingDir"])) config["WorkingDir"] = img["WorkingDir"]?.DeepClone() ?? "";
        if (img["Healthcheck"] is JsonObject health) MergeHealthcheck(config, health);
        if (IsEmpty(config["StopSignal"]) && img["StopSignal"] is JsonValue stop) config["StopSignal"] = stop.DeepClone();
    }

    /// <summary>The request's variables first, then the image's that the request does not set (Moby's order).</summary>
    private static void MergeEnv(JsonObject config, JsonArray? imageEnv)
    {
        if (imageEnv is null) return;
        var own = config["Env"] as JsonArray ?? [];
        var names = own.Select(e => Key(e?.GetValue<string>() ?? "")).ToHashSet(StringComparer.Ordinal);
        var merged = new JsonArray();
        foreach (var entry in own) merged.Add(entry?.GetValue<string>());
        foreach (var entry in imageEnv)
        {
            var text = entry?.GetValue<string>() ?? "";
            if (!names.Contains(Key(text))) merged.Add(text);
        }
        config["Env"] = merged;
    }

    /// <summary>The image's health check, with each field the request sets (--health-*) taking precedence.</summary>
    private static void MergeHealthcheck(JsonObject config, JsonObject image)
    {
        if (config["Healthcheck"] is not JsonObject own)
        {
            config["Healthcheck"] = image.DeepClone();
            return;
        }
        if (IsEmptyList(own["Test"])) own["Test"] = image["Test"]?.DeepClone();
        foreach (var field in new[] { "Interval", "Timeout", "StartPeriod", "StartInterval", "Retries" })
        {
            if ((own[field]?.GetValue<long>() ?? 0) == 0 && image[field] is JsonValue value) own[field] = value.DeepClone();
        }
    }

    private static string Key(string variable)
    {
        var eq = variable.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? variable : variable[..eq];
    }

    private static void MergeMap(JsonObject config, JsonObject image, string key)
    {
        if (image[key] is not JsonObject fromImage) return;
        var own = config[key] as JsonObject;
        var merged = new JsonObject();
        foreach (var (name, value) in fromImage) merged[name] = value?.DeepClone() ?? new JsonObject();
        if (own is not null) foreach (var (name, value) in own) merged[name] = value?.DeepClone();
        config[key] = merged;
    }

    private static bool IsEmpty(JsonNode? node) => node is null || (node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0);

    private static bool IsEmptyList(JsonNode? node) => node is null || (node is JsonArray a && a.Count == 0);
}
