using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Control;

/// <summary>Turns stored objects into the documents the Engine API answers.</summary>
public sealed class ObjectViews(Func<Node, ManagerStatus?> managerStatus)
{
    public JsonElement Render(StoredObject value) => value switch
    {
        Node node => SwarmJson.ToElement(node with { ManagerStatus = node.Spec.Role == NodeRoles.Manager ? managerStatus(node) : null }),
        // A secret's payload never leaves the managers through the API.
        Secret secret => SwarmJson.ToElement(secret with { Spec = secret.Spec with { Data = null } }),
        Service service => SwarmJson.ToElement(service),
        SwarmTask task => SwarmJson.ToElement(task),
        Config config => SwarmJson.ToElement(config),
        ClusterObject cluster => SwarmJson.ToElement(cluster),
        _ => throw new ArgumentException($"{value.Kind} objects are not served by the API"),
    };

    public JsonElement RenderAll(IEnumerable<StoredObject> values) =>
        JsonSerializer.SerializeToElement(values.Select(Render).ToList(), SwarmJson.Options);
}
