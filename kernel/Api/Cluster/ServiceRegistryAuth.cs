using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Kernel.Api.Cluster;

/// <summary>
/// <c>docker service create|update --with-registry-auth</c> sends the client's credentials as X-Registry-Auth; Moby keeps
/// them in swarmkit's ContainerSpec.PullOptions so every node's agent can pull the image, and never shows them.
/// </summary>
public static class ServiceRegistryAuth
{
    public const string Header = "X-Registry-Auth";

    /// <summary>The spec carrying <paramref name="encodedAuth"/>; PullOptions sent in the body itself are dropped.</summary>
    public static JsonElement Attach(JsonElement spec, string? encodedAuth)
    {
        if (JsonNode.Parse(spec.GetRawText()) is not JsonObject json || json["TaskTemplate"] is not JsonObject template)
            return spec;
        if (template["ContainerSpec"] is not JsonObject container)
        {
            if (string.IsNullOrEmpty(encodedAuth)) return spec;
            template["ContainerSpec"] = container = new JsonObject();
        }
        container.Remove("PullOptions");
        if (!string.IsNullOrEmpty(encodedAuth)) container["PullOptions"] = new JsonObject { ["RegistryAuth"] = encodedAuth };
        return JsonSerializer.SerializeToElement(json);
    }
}
