using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Orchestration.Replicated;
using Berth.Plugins.Swarmkit.Orchestration.Restart;
using Berth.Plugins.Swarmkit.Orchestration.Update;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Orchestration.Global;

/// <summary>
/// swarmkit's global orchestrator (<c>orchestrator/global/global.go</c>): one task per node that is neither down nor
/// drained and that satisfies the service's constraints. A paused node keeps its task but gets no new one (and an
/// ended task there is not restarted); a drained or down node's tasks are shut down; a removed node's tasks are
/// deleted. The task is made with its NodeID set and PENDING; the scheduler confirms it fits the node.
/// </summary>
internal sealed class GlobalOrchestrator(RestartSupervisor restarts, Updater updater)
{
    public void Reconcile(WorkingSet ws, Service service, Wake wake)
    {
        var constraints = Constraints.ParseOrEmpty(service.Spec.TaskTemplate.Placement?.Constraints);
        var before = ws.TasksOf(service.ID);
        var byNodeBefore = before.Where(t => t.NodeID is not null).GroupBy(t => t.NodeID!)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<SwarmTask>)g.ToList(), StringComparer.Ordinal);

        foreach (var task in ReplicatedOrchestrator.Ordered(before))
        {
            var current = ws.Tasks.GetValueOrDefault(task.ID);
            if (current is null)
                continue;
            if (current.NodeID is not null && ws.Node(current.NodeID) is null)
            {
                // The node was removed from the swarm: its tasks go with it.
                ws.Delete(current);
                continue;
            }
            if (!Defaults.WantsToRun(current))
                continue;
            var node = ws.Node(current.NodeID);
            if (node is null || Defaults.InvalidNode(node))
            {
                ws.Update(current with { DesiredState = TaskStates.Shutdown });
                continue;
            }
            if (!Defaults.IsTerminal(current))
                continue;
            if (node.Spec.Availability == NodeAvailability.Pause || !Constraints.Matches(constraints, node))
                ws.Update(current with { DesiredState = TaskStates.Shutdown });
            else
                restarts.Restart(ws, service, current, byNodeBefore[node.ID]);
        }

        var byNode = ws.TasksOf(service.ID).Where(t => t.NodeID is not null).GroupBy(t => t.NodeID!)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<SwarmTask>)g.ToList(), StringComparer.Ordinal);
        var slots = new List<KeyValuePair<SlotKey, List<SwarmTask>>>();
        foreach (var node in ws.Nodes.Values.OrderBy(n => n.ID, StringComparer.Ordinal))
        {
            if (Defaults.InvalidNode(node))
                continue;
            var updatable = RestartSupervisor.UpdatableTasksInSlot(byNode.GetValueOrDefault(node.ID) ?? [], service);
            if (!Constraints.Matches(constraints, node))
            {
                foreach (var t in updatable.Where(Defaults.WantsToRun))
                    ws.Update(ws.Tasks[t.ID] with { DesiredState = TaskStates.Shutdown });
                continue;
            }
            if (node.Spec.Availability == NodeAvailability.Pause)
                continue;
            if (updatable.Count == 0)
                ws.Create(Defaults.NewTask(ws.Services[service.ID], 0, node.ID, ws.Now));
            else
                slots.Add(KeyValuePair.Create(new SlotKey(0, node.ID), updatable));
        }
        updater.Drive(ws, ws.Services[service.ID], slots, wake);
    }
}
