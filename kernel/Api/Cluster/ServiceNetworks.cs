using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Kernel.Api.Cluster;

/// <summary>
/// Services attach to node-local networks by name (swarm-scoped overlay networks are not built): each network a
/// service names must exist on the node that receives the request, and its target is stored as the network's name,
/// which is what every node's agent looks up in its own networks (ids differ from node to node).
/// </summary>
public static class ServiceNetworks
{
    /// <param name="nameOf">A local network's name from its name or id; throws when there is none.</param>
    public static JsonElement Resolve(JsonElement spec, Func<string, string> nameOf)
    {
        ArgumentNullException.ThrowIfNull(nameOf);
        if (JsonNode.Parse(spec.GetRawText()) is not JsonObject json
            || json["TaskTemplate"] is not JsonObject template
            || template["Networks"] is not JsonArray { Count: > 0 } attachments)
            return spec;
        foreach (var attachment in attachments.OfType<JsonObject>())
        {
            var target = attachment["Target"]?.GetValue<string>() ?? "";
            attachment["Target"] = nameOf(target);
        }
        return JsonSerializer.SerializeToElement(json);
    }
}
