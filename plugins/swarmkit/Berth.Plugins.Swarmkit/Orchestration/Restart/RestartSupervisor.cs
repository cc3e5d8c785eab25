using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Model;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Orchestration.Restart;

/// <summary>A replacement held at DesiredState READY until <see cref="NotBefore"/> and until <see cref="WaitFor"/> has stopped (or <see cref="WaitUntil"/>).</summary>
internal sealed record DelayedStart(DateTime NotBefore, string? WaitFor, DateTime WaitUntil);

/// <summary>
/// swarmkit's restart supervisor (<c>orchestrator/restart/restart.go</c>). A task that ended, or whose node went away,
/// is shut down and, if its restart policy says so, replaced in the same slot by a task created with DesiredState
/// READY; the replacement moves to RUNNING once the restart delay has passed and the old task has stopped.
/// The restart history (max attempts within a window) is read from the slot's tasks as swarmkit rebuilds it after a
/// leader change: every task of the same spec after the first is a restart, dated by its creation. The task reaper
/// keeps MaxAttempts+1 tasks per slot for that reason.
/// </summary>
internal sealed class RestartSupervisor
{
    private readonly Dictionary<string, DelayedStart> delays = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, DelayedStart> Delays => delays;

    /// <summary>Shuts <paramref name="task"/> down and creates its replacement when the policy allows (restart.go Restart).</summary>
    /// <param name="slot">Every task of the task's slot (service+slot, or service+node for global services).</param>
    public void Restart(WorkingSet ws, Service service, SwarmTask task, IReadOnlyList<SwarmTask> slot)
    {
        if (!Defaults.WantsToRun(task))
            return;
        ws.Update(task with { DesiredState = TaskStates.Shutdown });
        if (!ShouldRestart(task, slot))
            return;

        var global = Defaults.IsGlobal(service);
        var replacement = Defaults.NewTask(service, global ? 0 : task.Slot, global ? task.NodeID : null, ws.Now) with { DesiredState = TaskStates.Ready };
        var node = ws.Node(task.NodeID);
        var delay = node?.Spec.Availability == NodeAvailability.Drain ? TimeSpan.Zero : Defaults.RestartDelayOf(task.Spec);
        var waitStop = node?.Status.State != NodeStates.Down && !Defaults.IsTerminal(task);
        ws.Create(replacement);
        DelayStart(replacement.ID, ws.Now, delay, waitStop ? task.ID : null);
    }

    /// <summary>Holds <paramref name="taskId"/> at READY for <paramref name="delay"/> and until <paramref name="waitFor"/> stops; replaces an earlier hold.</summary>
    public void DelayStart(string taskId, DateTime now, TimeSpan delay, string? waitFor) =>
        delays[taskId] = new DelayedStart(now + delay, waitFor, now + Defaults.OldTaskTimeout);

    /// <summary>restart.go shouldRestart: the condition, then MaxAttempts within Window.</summary>
    public static bool ShouldRestart(SwarmTask task, IReadOnlyList<SwarmTask> slot)
    {
        switch (Defaults.RestartCondition(task.Spec))
        {
            case "none":
                return false;
            case "on-failure" when task.Status.State == TaskStates.Complete:
                return false;
        }
        var policy = task.Spec.RestartPolicy;
        if (policy?.MaxAttempts is not > 0)
            return true;
        var max = policy.MaxAttempts.Value;

        var key = SpecKeys.Of(task.Spec);
        var restarts = slot.Where(t => ReferenceEquals(t.Spec, task.Spec) || SpecKeys.Of(t.Spec) == key)
            .OrderBy(t => t.CreatedAt).ThenBy(t => t.ID, StringComparer.Ordinal)
            .Skip(1).Select(t => t.CreatedAt).ToList();
        if (restarts.Count == 0)
            return true;
        if (policy.Window is not > 0)
            return restarts.Count < max;

        var timestamp = Defaults.Timestamp(task);
        var lookback = timestamp - Defaults.Nanoseconds(policy.Window.Value);
        // Restarts inside the window that ends when this task stopped; later ones do not count against it.
        var inWindow = restarts.Count(at => at > lookback && at < timestamp);
        return inWindow < max;
    }

    /// <summary>
    /// restart.go UpdatableTasksInSlot: the tasks still meant to run; when there are none, the newest task stands for
    /// the slot if it is not to be restarted (so the slot is not refilled), otherwise the slot is dead.
    /// </summary>
    public static List<SwarmTask> UpdatableTasksInSlot(IReadOnlyList<SwarmTask> slot, Service service)
    {
        if (slot is [var only] && Defaults.WantsToRun(only))
            return [only];
        var updatable = slot.Where(Defaults.WantsToRun).OrderBy(t => t.CreatedAt).ThenBy(t => t.ID, StringComparer.Ordinal).ToList();
        if (updatable.Count > 0 || slot.Count == 0)
            return updatable;
        if (service.UpdateStatus?.State == UpdateStates.RollbackStarted)
            return updatable;
        var newest = slot[0];
        foreach (var t in slot)
        {
            if (Defaults.Timestamp(t) > Defaults.Timestamp(newest))
                newest = t;
        }
        return ShouldRestart(newest, slot) ? updatable : [newest];
    }

    /// <summary>
    /// Moves held replacements to RUNNING once due (restart.go DelayStart/StartNow). READY tasks this leader did not
    /// create (a previous leader's) get the hold swarmkit's taskinit gives them: the restart delay from their timestamp.
    /// </summary>
    public void StartDue(WorkingSet ws, Wake wake)
    {
        var now = ws.Now;
        List<string>? stale = null;
        foreach (var (id, _) in delays)
        {
            if (!ws.Tasks.TryGetValue(id, out var t) || t.DesiredState != TaskStates.Ready)
                (stale ??= []).Add(id);
        }
        foreach (var id in stale ?? [])
            delays.Remove(id);

        List<SwarmTask>? due = null;
        foreach (var task in ws.Tasks.Values)
        {
            if (task.DesiredState != TaskStates.Ready || States.Rank(task.Status.State) > States.Complete)
                continue;
            if (!delays.TryGetValue(task.ID, out var hold))
            {
                var delay = Defaults.RestartDelayOf(task.Spec);
                var at = Defaults.Timestamp(task) + delay;
                hold = new DelayedStart(at < now + delay ? at : now + delay, null, now);
                delays[task.ID] = hold;
            }
            if (now < hold.NotBefore)
            {
                wake.At(hold.NotBefore);
                continue;
            }
            if (hold.WaitFor is { } old && now < hold.WaitUntil && !Stopped(ws, old))
            {
                wake.At(hold.WaitUntil);
                continue;
            }
            (due ??= []).Add(task);
        }
        foreach (var task in due ?? [])
        {
            delays.Remove(task.ID);
            ws.Update(task with { DesiredState = TaskStates.Running });
        }
    }

    // The old task no longer holds the slot: gone, past RUNNING, or on a node that is down or removed.
    private static bool Stopped(WorkingSet ws, string taskId)
    {
        if (!ws.Tasks.TryGetValue(taskId, out var t) || Defaults.IsTerminal(t))
            return true;
        if (t.NodeID is null)
            return false;
        var node = ws.Node(t.NodeID);
        return node is null || node.Status.State == NodeStates.Down;
    }
}
