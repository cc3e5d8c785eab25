using System.Runtime.CompilerServices;
using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Orchestration;

/// <summary>
/// Specs compared as their JSON (swarmkit compares them with reflect.DeepEqual). The text is cached per spec
/// instance: tasks made from one template share it, and a status write (<c>task with { Status = … }</c>) keeps it.
/// </summary>
internal static class SpecKeys
{
    private static readonly ConditionalWeakTable<TaskSpec, string> TaskKeys = new();
    private static readonly ConditionalWeakTable<TaskSpec, string> TaskKeysWithoutPlacement = new();
    private static readonly ConditionalWeakTable<ServiceSpec, string> ServiceKeys = new();
    private static readonly ConditionalWeakTable<EndpointSpec, string> EndpointKeys = new();

    public static string Of(TaskSpec spec) => TaskKeys.GetValue(spec, s => JsonSerializer.Serialize(s, SwarmJson.Options));

    /// <summary>The spec apart from its placement (swarmkit's IsTaskDirtyPlacementConstraintsOnly).</summary>
    public static string WithoutPlacement(TaskSpec spec) =>
        TaskKeysWithoutPlacement.GetValue(spec, s => JsonSerializer.Serialize(s with { Placement = null }, SwarmJson.Options));

    public static string Of(ServiceSpec spec) => ServiceKeys.GetValue(spec, s => JsonSerializer.Serialize(s, SwarmJson.Options));

    public static string Of(EndpointSpec? spec) => spec is null ? "" : EndpointKeys.GetValue(spec, s => JsonSerializer.Serialize(s, SwarmJson.Options));

    /// <summary>
    /// swarmkit's orchestrator.IsTaskDirty: the task was made from another template (a placement-only change does not
    /// count while the task's node still satisfies the new constraints) or another endpoint spec.
    /// </summary>
    public static bool IsTaskDirty(Service service, SwarmTask task, Node? node)
    {
        var template = service.Spec.TaskTemplate;
        if (!ReferenceEquals(template, task.Spec) && Of(template) != Of(task.Spec))
        {
            var placementOnly = WithoutPlacement(template) == WithoutPlacement(task.Spec);
            if (placementOnly && node is not null && Constraints.Matches(Constraints.ParseOrEmpty(template.Placement?.Constraints), node))
                return false;
            return true;
        }
        return task.Endpoint is not null && !ReferenceEquals(service.Spec.EndpointSpec, task.Endpoint.Spec)
            && Of(service.Spec.EndpointSpec) != Of(task.Endpoint.Spec);
    }
}
