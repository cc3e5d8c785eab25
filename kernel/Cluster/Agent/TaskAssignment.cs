using Berth.Sdk.Cluster;

namespace Berth.Kernel.Cluster.Agent;

/// <summary>A task with what the node's assignments say around it: this node's id, the service's name, the payloads of the secrets and configs.</summary>
public sealed record TaskAssignment(
    AssignedTask Task,
    string NodeId,
    string ServiceName,
    IReadOnlyDictionary<string, AssignedFile> Secrets,
    IReadOnlyDictionary<string, AssignedFile> Configs)
{
    public static TaskAssignment Of(AssignedTask task, NodeAssignments assignments)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(assignments);
        return new TaskAssignment(
            task,
            assignments.NodeId.Length > 0 ? assignments.NodeId : task.NodeId,
            assignments.ServiceNames.TryGetValue(task.ServiceId, out var name) ? name : task.ServiceId,
            assignments.Secrets.ToDictionary(f => f.Id, StringComparer.Ordinal),
            assignments.Configs.ToDictionary(f => f.Id, StringComparer.Ordinal));
    }
}
