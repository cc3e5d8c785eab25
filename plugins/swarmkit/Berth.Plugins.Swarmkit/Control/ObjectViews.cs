using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Control;

/// <summary>Turns stored objects into the documents the Engine API answers.</summary>
public sealed class ObjectViews(Func<Node, ManagerStatus?> managerStatus)
{
    public JsonElement Render(StoredObject value) => value switch
    {
        Node node => SwarmJson.ToElement(node with { ManagerStatus = node.Spec.Role == NodeRoles.Manager ? managerStatus(node) : null, Role = null }),
        // A secret's payload never leaves the managers through the API.
        Secret secret => SwarmJson.ToElement(secret with { Spec = secret.Spec with { Data = null } }),
        // Registry credentials go to the agents with the tasks, never back through the API (as Moby's convert).
        Service service => SwarmJson.ToElement(service with { Spec = WithoutAuth(service.Spec)!, PreviousSpec = WithoutAuth(service.PreviousSpec) }),
        SwarmTask task => SwarmJson.ToElement(task with { Spec = WithoutAuth(task.Spec)! }),
        Config config => SwarmJson.ToElement(config),
        ClusterObject cluster => SwarmJson.ToElement(cluster),
        _ => throw new ArgumentException($"{value.Kind} objects are not served by the API"),
    };

    private static ServiceSpec? WithoutAuth(ServiceSpec? spec) =>
        spec is null ? null : spec with { TaskTemplate = WithoutAuth(spec.TaskTemplate)! };

    private static TaskSpec? WithoutAuth(TaskSpec? spec) =>
        spec?.ContainerSpec?.PullOptions is null ? spec : spec with { ContainerSpec = spec.ContainerSpec with { PullOptions = null } };

    public JsonElement RenderAll(IEnumerable<StoredObject> values) =>
        JsonSerializer.SerializeToElement(values.Select(Render).ToList(), SwarmJson.Options);
}
