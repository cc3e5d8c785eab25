using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Store;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Orchestration;

/// <summary>
/// swarmkit's ListServiceStatuses (what <c>GET /services?status=true</c> and <c>docker service ls</c> show):
/// RunningTasks counts the service's tasks desired and observed RUNNING (a task told to stop on a node that has not
/// reported back yet is not counted); DesiredTasks is Replicas for a replicated service and,
/// for a global one, its tasks desired RUNNING on nodes that are not down.
/// </summary>
public static class ServiceStatuses
{
    public static IReadOnlyDictionary<string, ServiceStatus> Compute(ClusterState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var running = new Dictionary<string, long>(StringComparer.Ordinal);
        var desiredGlobal = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var task in state.Tasks.Values)
        {
            if (task.Status.State == TaskStates.Running && task.DesiredState == TaskStates.Running)
                running[task.ServiceID] = running.GetValueOrDefault(task.ServiceID) + 1;
            if (task.DesiredState == TaskStates.Running
                && (task.NodeID is null || state.Nodes.GetValueOrDefault(task.NodeID)?.Status.State != NodeStates.Down))
                desiredGlobal[task.ServiceID] = desiredGlobal.GetValueOrDefault(task.ServiceID) + 1;
        }
        var statuses = new Dictionary<string, ServiceStatus>(state.Services.Count, StringComparer.Ordinal);
        foreach (var service in state.Services.Values)
        {
            var desired = Defaults.IsGlobal(service) ? desiredGlobal.GetValueOrDefault(service.ID)
                : Defaults.IsJob(service) ? 0
                : Defaults.Replicas(service);
            statuses[service.ID] = new ServiceStatus(running.GetValueOrDefault(service.ID), desired);
        }
        return statuses;
    }
}
