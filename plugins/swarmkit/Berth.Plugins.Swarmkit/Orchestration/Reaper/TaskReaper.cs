using Berth.Plugins.Swarmkit.Model;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Orchestration.Reaper;

/// <summary>
/// swarmkit's task reaper (<c>orchestrator/taskreaper/task_reaper.go</c>) and service-removal cleanup
/// (<c>orchestrator.SetServiceTasksRemove</c>):
/// the tasks of a removed service are set to DesiredState REMOVE; a task meant to be removed is deleted once it has
/// stopped (or if it never got a node); and each slot (service+slot, or service+node for global services) keeps at
/// most TaskHistoryRetentionLimit tasks (MaxAttempts+1 when the restart policy sets MaxAttempts), the oldest stopped
/// ones going first. A negative limit keeps everything.
/// </summary>
internal static class TaskReaper
{
    /// <summary>Tasks whose service is gone are to be removed.</summary>
    public static void MarkOrphans(WorkingSet ws)
    {
        var remove = States.Remove;
        foreach (var serviceId in ws.ServiceIdsWithTasks)
        {
            if (ws.Services.ContainsKey(serviceId))
                continue;
            foreach (var task in ws.TasksOf(serviceId))
            {
                if (States.Rank(task.DesiredState) < remove)
                    ws.Update(task with { DesiredState = TaskStates.Remove });
            }
        }
    }

    public static void Run(WorkingSet ws)
    {
        var assigned = States.Assigned;
        var complete = States.Complete;
        var limit = ws.RetentionLimit;
        foreach (var serviceId in ws.ServiceIdsWithTasks.ToList())
        {
            var tasks = ws.TasksOf(serviceId);
            foreach (var task in tasks)
            {
                var state = States.Rank(task.Status.State);
                if (task.DesiredState == TaskStates.Remove && (state < assigned || state >= complete))
                    ws.Delete(task);
            }
            if (!ws.Services.TryGetValue(serviceId, out var service))
                continue;

            var history = service.Spec.TaskTemplate.RestartPolicy?.MaxAttempts is long max and > 0 ? max + 1 : limit;
            if (history < 0)
                continue;
            var global = Defaults.IsGlobal(service);
            var remaining = ws.TasksOf(serviceId);
            if (remaining.Count <= history)
                continue;
            foreach (var historic in global ? Slots(remaining, t => t.NodeID ?? "") : Slots(remaining, t => t.Slot))
            {
                if (historic.Count <= history)
                    continue;
                var keep = history;
                foreach (var task in historic.OrderBy(Defaults.Timestamp).ThenBy(t => t.ID, StringComparer.Ordinal))
                {
                    if (!Defaults.IsTerminal(task) && !WillNeverRun(task))
                        continue;
                    ws.Delete(task);
                    keep++;
                    if (historic.Count <= keep)
                        break;
                }
            }
        }
    }

    private static IEnumerable<List<SwarmTask>> Slots<TKey>(List<SwarmTask> tasks, Func<SwarmTask, TKey> key) where TKey : notnull
    {
        var slots = new Dictionary<TKey, List<SwarmTask>>();
        foreach (var task in tasks)
        {
            var k = key(task);
            if (!slots.TryGetValue(k, out var list))
                slots[k] = list = new List<SwarmTask>(2);
            list.Add(task);
        }
        return slots.Values;
    }

    private static bool WillNeverRun(SwarmTask task) =>
        States.Rank(task.Status.State) < States.Assigned && !Defaults.WantsToRun(task);
}
