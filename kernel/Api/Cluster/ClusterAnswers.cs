using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Kernel.Api.Cluster;

/// <summary>Shapes the cluster backend's answers into the Engine API's, and the kernel's requests into what the backend takes.</summary>
public static class ClusterAnswers
{
    /// <summary>Services as <c>GET /services</c> lists them: the backend always counts tasks (ServiceStatus); Moby shows the counts only with <c>status=true</c>.</summary>
    public static JsonNode WithoutServiceStatus(JsonElement services, bool keepStatus)
    {
        var node = JsonNode.Parse(services.GetRawText()) ?? new JsonArray();
        if (keepStatus) return node;
        if (node is JsonArray array)
            foreach (var service in array.OfType<JsonObject>()) service.Remove("ServiceStatus");
        else if (node is JsonObject single) single.Remove("ServiceStatus");
        return node;
    }

    /// <summary><c>201 {"ID":…,"Warnings":[…]}</c> of <c>POST /services/create</c>.</summary>
    public static JsonObject ServiceCreated(JsonElement answer) => new()
    {
        ["ID"] = IdOf(answer),
        ["Warnings"] = Warnings(answer),
    };

    /// <summary><c>{"Warnings":[…]}</c> of a service update; an empty list when the backend has none.</summary>
    public static JsonObject ServiceUpdated(JsonElement answer) => new() { ["Warnings"] = Warnings(answer) };

    /// <summary><c>201 {"ID":…}</c> of a secret or config create.</summary>
    public static JsonObject Created(JsonElement answer) => new() { ["ID"] = IdOf(answer) };

    /// <summary>
    /// What a service update passes to the backend: the spec itself, or with <c>rollback=previous</c>
    /// <c>{"Rollback":"previous","Spec":spec}</c> (the backend swaps in the previous spec and ignores this one, as swarmkit).
    /// </summary>
    public static JsonElement ServiceUpdateRequest(JsonElement spec, string? rollback)
    {
        switch (rollback)
        {
            case null or "" or "none":
                return spec;
            case "previous":
                var wrapper = new JsonObject { ["Rollback"] = "previous", ["Spec"] = JsonNode.Parse(spec.GetRawText()) };
                return JsonSerializer.SerializeToElement(wrapper);
            default:
                throw BerthException.Invalid($"unrecognized rollback option {rollback}");
        }
    }

    /// <summary>
    /// Moby's adjustForAPIVersion, the part that changes meaning: before API 1.44 a spec's top-level Networks (deprecated
    /// since 1.25) become TaskTemplate.Networks when the template has none. Other fields pass through.
    /// </summary>
    public static JsonElement AdjustServiceSpec(JsonElement spec, Version apiVersion)
    {
        ArgumentNullException.ThrowIfNull(apiVersion);
        if (apiVersion >= new Version(1, 44) || JsonNode.Parse(spec.GetRawText()) is not JsonObject json) return spec;
        var legacy = json["Networks"] as JsonArray;
        json.Remove("Networks");
        if (legacy is { Count: > 0 })
        {
            if (json["TaskTemplate"] is not JsonObject template) json["TaskTemplate"] = template = new JsonObject();
            if (template["Networks"] is not JsonArray { Count: > 0 }) template["Networks"] = legacy.DeepClone();
        }
        return JsonSerializer.SerializeToElement(json);
    }

    /// <summary>The request without fields an older API version did not have (Moby ignores them there).</summary>
    public static JsonElement Without(JsonElement request, params string[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Length == 0 || JsonNode.Parse(request.GetRawText()) is not JsonObject json) return request;
        foreach (var field in fields) json.Remove(field);
        return JsonSerializer.SerializeToElement(json);
    }

    private static string IdOf(JsonElement answer) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("ID", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : "";

    private static JsonArray Warnings(JsonElement answer) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("Warnings", out var warnings) && warnings.ValueKind == JsonValueKind.Array
            ? new JsonArray(warnings.EnumerateArray().Where(w => w.ValueKind == JsonValueKind.String).Select(w => (JsonNode?)w.GetString()).ToArray())
            : [];
}
