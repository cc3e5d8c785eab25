using System.Text.Json.Nodes;
using Berth.Sdk.Cluster;

namespace Berth.Driver;

/// <summary>
/// The one-node scheduler, and the part of this backend most worth replacing: a replicated service gets a task in
/// each slot 1…Replicas, a global one a task in slot 0, all on this node. A task whose spec or ports are not the
/// service's current ones is replaced; a drained node gets no tasks, a paused one no new ones. Tasks that end are not
/// restarted (no restart policy, no update order, no placement: after a reboot, `docker service update --force`
/// replaces them). Scheduling is yours.
/// </summary>
public static class Scheduler
{
    public static void Plan(SwarmState state, JsonObject service, DateTimeOffset now)
    {
        var serviceId = SwarmState.Id(service);
        var spec = service["Spec"]!;
        var template = spec["TaskTemplate"]!;
        // Host-mode published ports: berthd's agent publishes a task's Endpoint.Ports on this node.
        var endpoint = new JsonObject { ["Spec"] = spec["EndpointSpec"]?.DeepClone() ?? new JsonObject(), ["Ports"] = spec["EndpointSpec"]?["Ports"]?.DeepClone() ?? new JsonArray() };
        service["Endpoint"] = endpoint.DeepClone();
        var availability = state.Node["Spec"]?["Availability"]?.GetValue<string>() ?? "active";
        var global = spec["Mode"]?["Global"] is not null;
        var replicas = global ? 1 : spec["Mode"]?["Replicated"]?["Replicas"]?.GetValue<long>() ?? 1;
        var wanted = availability == "drain" ? [] : global ? [0L] : new HashSet<long>(LongRange(1, replicas));
        foreach (var task in state.TasksOf(serviceId))
        {
            var slot = task["Slot"]?.GetValue<long>() ?? 0;
            // Leaving the node's assignments is what stops a task: berthd's agent removes its container.
            var current = wanted.Contains(slot) && JsonNode.DeepEquals(task["Spec"], template) && JsonNode.DeepEquals(task["Endpoint"], endpoint);
            if (current) wanted.Remove(slot);
            else state.Remove("tasks", SwarmState.Id(task));
        }
        if (availability == "pause") return;
        foreach (var slot in wanted.Order())
        {
            state.Add("tasks", new JsonObject
            {
                ["Labels"] = new JsonObject(),
                ["Spec"] = template.DeepClone(),
                ["Endpoint"] = endpoint.DeepClone(),
                ["ServiceID"] = serviceId,
                ["Slot"] = slot,
                ["NodeID"] = state.NodeId,
                ["Status"] = new JsonObject { ["Timestamp"] = SwarmState.Timestamp(now), ["State"] = TaskStates.Assigned, ["Message"] = "scheduler assigned task to node" },
                ["DesiredState"] = TaskStates.Running,
            }, now);
        }
    }

    public static void PlanAll(SwarmState state, DateTimeOffset now)
    {
        foreach (var service in state.Objects("services").Select(p => p.Value!.AsObject()).ToList()) Plan(state, service, now);
    }

    /// <summary>The Engine API's ServiceStatus (<c>docker service ls</c> REPLICAS).</summary>
    public static JsonObject StatusOf(SwarmState state, JsonObject service)
    {
        var tasks = state.TasksOf(SwarmState.Id(service)).ToList();
        var desired = service["Spec"]?["Mode"]?["Global"] is not null ? tasks.Count : service["Spec"]?["Mode"]?["Replicated"]?["Replicas"]?.GetValue<long>() ?? 1;
        return new JsonObject
        {
            ["RunningTasks"] = tasks.Count(t => StateOf(t) == TaskStates.Running),
            ["DesiredTasks"] = desired,
            ["CompletedTasks"] = tasks.Count(t => StateOf(t) == TaskStates.Complete),
        };
    }

    private static string? StateOf(JsonObject task) => task["Status"]?["State"]?.GetValue<string>();

    private static IEnumerable<long> LongRange(long first, long last)
    {
        for (var i = first; i <= last; i++) yield return i;
    }
}
