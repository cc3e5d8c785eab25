using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk.Kernel;

namespace Berth.Plugins.Swarmkit.Events;

/// <summary>
/// Turns committed changes into <c>docker events</c> of types node, service, secret and config, with Moby's
/// <c>.old</c>/<c>.new</c> attributes on updates (daemon/events.go ProcessClusterNotifications).
/// </summary>
public static class ClusterEvents
{
    public static IEnumerable<PluginEvent> From(ObjectChange change)
    {
        var action = change.Action switch
        {
            StoreAction.Create => "create",
            StoreAction.Update => "update",
            _ => "remove",
        };
        var value = (change.New ?? change.Old)!;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (value)
        {
            case Node node:
                attributes["name"] = node.Description?.Hostname ?? node.ID;
                if (change is { Old: Node before, New: Node after })
                {
                    Diff(attributes, "availability", before.Spec.Availability, after.Spec.Availability);
                    Diff(attributes, "role", before.Spec.Role, after.Spec.Role);
                    Diff(attributes, "state", before.Status.State, after.Status.State);
                    if (attributes.Count == 1)
                        yield break;
                }
                yield return new PluginEvent("node", action, node.ID, attributes);
                break;
            case Service service:
                attributes["name"] = service.Spec.Name;
                if (change is { Old: Service old, New: Service updated })
                {
                    Diff(attributes, "image", old.Spec.TaskTemplate.ContainerSpec?.Image, updated.Spec.TaskTemplate.ContainerSpec?.Image);
                    Diff(attributes, "replicas", old.Spec.Mode.Replicated?.Replicas?.ToString(), updated.Spec.Mode.Replicated?.Replicas?.ToString());
                    Diff(attributes, "updatestate", old.UpdateStatus?.State, updated.UpdateStatus?.State);
                }
                yield return new PluginEvent("service", action, service.ID, attributes);
                break;
            case Secret secret:
                attributes["name"] = secret.Spec.Name;
                yield return new PluginEvent("secret", action, secret.ID, attributes);
                break;
            case Config config:
                attributes["name"] = config.Spec.Name;
                yield return new PluginEvent("config", action, config.ID, attributes);
                break;
        }
    }

    private static void Diff(Dictionary<string, string> attributes, string key, string? before, string? after)
    {
        if (before == after)
            return;
        attributes[key + ".old"] = before ?? "";
        attributes[key + ".new"] = after ?? "";
    }
}
