using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Kernel.Api.Cluster;

/// <summary>
/// <c>GET /services/{id}?insertDefaults=true</c> (what <c>docker service inspect</c> asks): the spec with swarmkit's
/// defaults filled in where it leaves a field out (api/defaults InterpolateService), as Moby answers it.
/// </summary>
public static class ServiceDefaults
{
    private const long StopGracePeriod = 10_000_000_000;
    private const long RestartDelay = 5_000_000_000;
    private const long Monitor = 5_000_000_000;

    public static JsonElement Insert(JsonElement service)
    {
        if (JsonNode.Parse(service.GetRawText()) is not JsonObject json || json["Spec"] is not JsonObject spec) return service;
        var template = Child(spec, "TaskTemplate");
        if (template["ContainerSpec"] is JsonObject container)
        {
            container["StopGracePeriod"] ??= StopGracePeriod;
            container["DNSConfig"] ??= new JsonObject();
        }
        template["Resources"] ??= new JsonObject();
        var restart = Child(template, "RestartPolicy");
        restart["Condition"] ??= "any";
        restart["Delay"] ??= RestartDelay;
        restart["MaxAttempts"] ??= 0;
        template["Placement"] ??= new JsonObject();
        spec["UpdateConfig"] ??= UpdateDefaults();
        spec["RollbackConfig"] ??= UpdateDefaults();
        Child(spec, "EndpointSpec")["Mode"] ??= "vip";
        return JsonSerializer.SerializeToElement(json);
    }

    private static JsonObject UpdateDefaults() => new()
    {
        ["Parallelism"] = 1,
        ["FailureAction"] = "pause",
        ["Monitor"] = Monitor,
        ["MaxFailureRatio"] = 0,
        ["Order"] = "stop-first",
    };

    private static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject child) return child;
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }
}
