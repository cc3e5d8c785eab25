using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Orchestration.Restart;
using Berth.Plugins.Swarmkit.Orchestration.Update;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Orchestration.Replicated;

/// <summary>
/// swarmkit's replicated orchestrator (<c>orchestrator/replicated/</c>): slots 1..Replicas, each with one task meant
/// to run. Ended tasks and tasks on a node that is down, drained or gone are handed to the restart supervisor
/// (restartTasksByNodeID, handleTaskChange); then the slot count is reconciled with Replicas and the rest is left to
/// the updater, which alone replaces tasks whose spec is out of date.
/// </summary>
internal sealed class ReplicatedOrchestrator(RestartSupervisor restarts, Updater updater)
{
    public void Reconcile(WorkingSet ws, Service service, Wake wake)
    {
        // Tasks that ended, or whose node is no longer valid, are restarted (tasks.go).
        var before = ws.TasksOf(service.ID);
        var slotsBefore = BySlot(before);
        List<SwarmTask>? restart = null;
        foreach (var task in before)
        {
            if (Defaults.WantsToRun(task)
                && (Defaults.IsTerminal(task) || (task.NodeID is not null && Defaults.InvalidNode(ws.Node(task.NodeID)))))
                (restart ??= []).Add(task);
        }
        if (restart is not null)
        {
            foreach (var task in Ordered(restart))
                restarts.Restart(ws, service, ws.Tasks[task.ID], slotsBefore[task.Slot]);
        }

        var bySlot = restart is null ? slotsBefore : BySlot(ws.TasksOf(service.ID));
        var running = new Dictionary<long, List<SwarmTask>>(bySlot.Count);
        foreach (var (slot, tasks) in bySlot)
        {
            var updatable = RestartSupervisor.UpdatableTasksInSlot(tasks, service);
            if (updatable.Count > 0)
                running[slot] = updatable;
        }

        var replicas = Defaults.Replicas(service);
        if (replicas > running.Count)
        {
            updater.Drive(ws, ws.Services[service.ID], Keyed(running.OrderBy(s => s.Key)), wake);
            var slot = 0L;
            for (var missing = replicas - running.Count; missing > 0; missing--)
            {
                do
                    slot++;
                while (running.ContainsKey(slot));
                ws.Create(Defaults.NewTask(ws.Services[service.ID], slot, null, ws.Now));
            }
        }
        else if (replicas < running.Count)
        {
            var order = ScaleDownOrder(running);
            foreach (var (_, tasks) in order.Skip((int)replicas))
            {
                foreach (var t in tasks)
                {
                    var current = ws.Tasks.GetValueOrDefault(t.ID);
                    if (current is not null && States.Rank(current.DesiredState) < States.Remove)
                        ws.Update(current with { DesiredState = TaskStates.Remove });
                }
            }
            updater.Drive(ws, ws.Services[service.ID], Keyed(order.Take((int)replicas).OrderBy(s => s.Key)), wake);
        }
        else
        {
            updater.Drive(ws, ws.Services[service.ID], Keyed(running.OrderBy(s => s.Key)), wake);
        }
    }

    private static Dictionary<long, List<SwarmTask>> BySlot(List<SwarmTask> tasks)
    {
        var slots = new Dictionary<long, List<SwarmTask>>();
        foreach (var task in tasks)
        {
            if (!slots.TryGetValue(task.Slot, out var list))
                slots[task.Slot] = list = new List<SwarmTask>(1);
            list.Add(task);
        }
        return slots;
    }

    /// <summary>
    /// services.go scale-down: running slots first, then each node's slots numbered 1, 2, 3…; the slots kept are the
    /// lowest numbers, so the nodes holding the most copies lose theirs first, and tasks not running go before running ones.
    /// </summary>
    private static List<KeyValuePair<long, List<SwarmTask>>> ScaleDownOrder(Dictionary<long, List<SwarmTask>> running)
    {
        var byRunningState = running
            .OrderBy(s => s.Value.Any(t => t.Status.State == TaskStates.Running) ? 0 : 1)
            .ThenBy(s => s.Key)
            .ToList();
        var perNode = new Dictionary<string, int>(StringComparer.Ordinal);
        var indexed = new List<(KeyValuePair<long, List<SwarmTask>> Slot, int Index)>(byRunningState.Count);
        foreach (var slot in byRunningState)
        {
            if (slot.Value is [{ NodeID: { } node }])
            {
                perNode[node] = perNode.GetValueOrDefault(node) + 1;
                indexed.Add((slot, perNode[node]));
            }
            else
            {
                indexed.Add((slot, -1));
            }
        }
        return indexed.OrderBy(s => s.Index < 0 ? int.MaxValue : s.Index).Select(s => s.Slot).ToList();
    }

    private static List<KeyValuePair<SlotKey, List<SwarmTask>>> Keyed(IEnumerable<KeyValuePair<long, List<SwarmTask>>> slots) =>
        slots.Select(s => KeyValuePair.Create(new SlotKey(s.Key, ""), s.Value)).ToList();

    internal static IEnumerable<SwarmTask> Ordered(IEnumerable<SwarmTask> tasks) =>
        tasks.OrderBy(t => t.CreatedAt).ThenBy(t => t.ID, StringComparer.Ordinal);
}
