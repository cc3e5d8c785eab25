using Berth.Plugins.Swarmkit.Control;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Orchestration.Restart;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Orchestration.Update;

/// <summary>A slot as the updater sees it: the replica number of a replicated service, or the node of a global one.</summary>
internal readonly record struct SlotKey(long Slot, string Node);

/// <summary>
/// swarmkit's rolling updater (<c>orchestrator/update/updater.go</c>), driven one reconcile pass at a time instead
/// of by goroutines. One run per service and spec: a spec change (an update, a scale, a rollback) cancels the run
/// and the next pass starts another from the slots as they are then.
/// </summary>
internal sealed class Updater(RestartSupervisor restarts)
{
    private readonly Dictionary<string, UpdateRun> runs = new(StringComparer.Ordinal);

    // The spec of each service's last run that ended (completed, paused or rolled back): tells a new update from a
    // re-run of the same one when the control API left an old UpdateStatus in place.
    private readonly Dictionary<string, string> finished = new(StringComparer.Ordinal);

    /// <summary>Drops what belongs to services that no longer exist.</summary>
    public void Forget(WorkingSet ws)
    {
        foreach (var id in runs.Keys.Where(id => !ws.Services.ContainsKey(id)).ToList())
            runs.Remove(id);
        foreach (var id in finished.Keys.Where(id => !ws.Services.ContainsKey(id)).ToList())
            finished.Remove(id);
    }

    /// <summary>Updater.Run for one pass: <paramref name="slots"/> are the service's slots with the tasks that still count (restart.UpdatableTasksInSlot).</summary>
    /// <param name="slots">In slot order.</param>
    public void Drive(WorkingSet ws, Service service, List<KeyValuePair<SlotKey, List<SwarmTask>>> slots, Wake wake)
    {
        var key = SpecKeys.Of(service.Spec);
        if (runs.TryGetValue(service.ID, out var run) && run.SpecKey != key)
        {
            runs.Remove(service.ID);
            run = null;
        }

        if (run is null)
        {
            var status = service.UpdateStatus?.State;
            var newUpdate = status is null
                || (status is UpdateStates.Completed or UpdateStates.RollbackCompleted or UpdateStates.Paused or UpdateStates.RollbackPaused
                    && finished.TryGetValue(service.ID, out var last) && last != key);
            if (status is UpdateStates.Paused or UpdateStates.RollbackPaused && !newUpdate)
                return;

            var dirty = slots.Where(s => IsSlotDirty(ws, service, s.Value)).Select(s => s.Key).ToList();
            if (dirty.Count == 0)
            {
                if (status is UpdateStates.Updating or UpdateStates.RollbackStarted)
                    Complete(ws, service, key);
                return;
            }
            if (newUpdate)
            {
                service = service with { UpdateStatus = new UpdateStatus(UpdateStates.Updating, ws.Now, null, OrchestrationMessages.UpdateInProgress) };
                ws.Update(service);
            }
            run = new UpdateRun(service, key, dirty);
            runs[service.ID] = run;
        }

        Advance(ws, service, run, slots.ToDictionary(s => s.Key, s => s.Value), wake);
    }

    private void Advance(WorkingSet ws, Service service, UpdateRun run, Dictionary<SlotKey, List<SwarmTask>> slots, Wake wake)
    {
        var now = ws.Now;
        if (CheckFailures(ws, service, run))
            return;

        // Workers: a slot is done once its new task reached RUNNING (or ended), then the worker waits Delay.
        foreach (var worker in run.Workers.ToList())
        {
            if (worker.Phase == WorkerPhase.WaitTask)
            {
                if (!ws.Tasks.TryGetValue(worker.TaskId!, out var task))
                {
                    // The write that made it was refused: the slot goes round again.
                    run.Workers.Remove(worker);
                    run.Queue.AddFirst(worker.Slot);
                    continue;
                }
                if (States.Rank(task.Status.State) < States.Running)
                    continue;
                run.Observe(task.ID, now);
                if (worker.StartFirst && task.Status.State == TaskStates.Running)
                    RemoveOld(ws, worker.OldTasks.Select(id => ws.Tasks.GetValueOrDefault(id)).OfType<SwarmTask>());
                worker.StartDelay(now, run.Delay);
            }
            else if (worker.Phase == WorkerPhase.WaitStart)
            {
                if (ws.Tasks.TryGetValue(worker.TaskId!, out var task) && States.Rank(task.DesiredState) < States.Running)
                    continue;
                worker.StartDelay(now, run.Delay);
            }
            if (worker.Phase == WorkerPhase.Delay)
            {
                if (now >= worker.Until)
                    run.Workers.Remove(worker);
                else
                    wake.At(worker.Until);
            }
        }

        while (run.Workers.Count < run.Parallelism && run.Queue.Count > 0)
        {
            var slotKey = run.Queue.First!.Value;
            run.Queue.RemoveFirst();
            if (!slots.TryGetValue(slotKey, out var slot) || slot.Count == 0)
                continue;
            var worker = Dispatch(ws, service, run, slotKey, slot);
            if (worker.Phase == WorkerPhase.Delay && now >= worker.Until)
                continue;
            run.Workers.Add(worker);
            if (worker.Phase == WorkerPhase.Delay)
                wake.At(worker.Until);
        }

        if (run.Queue.Count > 0 || run.Workers.Count > 0)
            return;

        // Every slot is done: watch one more monitor period (longer than the delay), then complete.
        run.MonitorUntil ??= now + (run.Delay >= run.Monitor ? run.Delay + TimeSpan.FromSeconds(1) : run.Monitor);
        if (now >= run.MonitorUntil)
        {
            runs.Remove(service.ID);
            Complete(ws, service, run.SpecKey);
        }
        else
        {
            wake.At(run.MonitorUntil.Value);
        }
    }

    // updater.go failureTriggersAction: a task made by this run that ended before RUNNING or within Monitor of it.
    private bool CheckFailures(WorkingSet ws, Service service, UpdateRun run)
    {
        if (run.FailureAction == "continue")
        {
            foreach (var (id, _) in run.Started.ToList())
            {
                if (ws.Tasks.TryGetValue(id, out var t) && States.Rank(t.Status.State) >= States.Running)
                    run.Observe(id, ws.Now);
            }
            return false;
        }
        foreach (var (id, startedAt) in run.Started.ToList())
        {
            if (!ws.Tasks.TryGetValue(id, out var task))
                continue;
            if (!run.Failed.Contains(id) && Defaults.IsTerminal(task) && (startedAt is null || ws.Now - startedAt.Value <= run.Monitor))
            {
                run.Failed.Add(id);
                if ((float)run.Failed.Count / run.DirtySlots > (float)run.MaxFailureRatio)
                {
                    runs.Remove(service.ID);
                    finished[service.ID] = run.SpecKey;
                    if (run.FailureAction == "rollback" && !run.Rollback)
                        RollBack(ws, service, OrchestrationMessages.UpdateRolledBack(id));
                    else
                        Pause(ws, service, run.FailureAction == "rollback" ? OrchestrationMessages.RollbackPaused(id) : OrchestrationMessages.UpdatePaused(id));
                    return true;
                }
            }
            if (States.Rank(task.Status.State) >= States.Running)
                run.Observe(id, ws.Now);
        }
        return false;
    }

    // updater.go worker: reuse a clean task of the slot if there is one, else make a new one (stop-first or start-first).
    private Worker Dispatch(WorkingSet ws, Service service, UpdateRun run, SlotKey slotKey, List<SwarmTask> slot)
    {
        SwarmTask? running = null;
        SwarmTask? clean = null;
        foreach (var t in slot)
        {
            if (SpecKeys.IsTaskDirty(service, t, ws.Node(t.NodeID)))
                continue;
            if (t.DesiredState == TaskStates.Running)
            {
                running = t;
                break;
            }
            if (States.Rank(t.DesiredState) < States.Running)
                clean = t;
        }
        if ((running ?? clean) is { } existing)
            return UseExisting(ws, run, slotKey, slot, existing);

        var global = Defaults.IsGlobal(service);
        var fresh = Defaults.NewTask(service, global ? 0 : slotKey.Slot, global ? slotKey.Node : null, ws.Now) with { DesiredState = TaskStates.Ready };
        run.Started[fresh.ID] = null;
        if (run.StartFirst)
        {
            ws.Create(fresh with { DesiredState = TaskStates.Running });
            return new Worker(slotKey, fresh.ID, WorkerPhase.WaitTask, startFirst: true, slot.Select(t => t.ID).ToList());
        }
        ws.Create(fresh);
        var old = RemoveOld(ws, slot);
        restarts.DelayStart(fresh.ID, ws.Now, TimeSpan.Zero, old?.ID);
        return new Worker(slotKey, fresh.ID, WorkerPhase.WaitTask, startFirst: false, []);
    }

    private Worker UseExisting(WorkingSet ws, UpdateRun run, SlotKey slotKey, List<SwarmTask> slot, SwarmTask existing)
    {
        var old = RemoveOld(ws, slot.Where(t => t.ID != existing.ID).Select(t => ws.Tasks.GetValueOrDefault(t.ID)).OfType<SwarmTask>());
        if (existing.DesiredState != TaskStates.Running)
        {
            restarts.DelayStart(existing.ID, ws.Now, TimeSpan.Zero, old?.ID);
            return new Worker(slotKey, existing.ID, WorkerPhase.WaitStart, startFirst: false, []);
        }
        var worker = new Worker(slotKey, null, WorkerPhase.WaitTask, startFirst: false, []);
        worker.StartDelay(ws.Now, run.Delay);
        return worker;
    }

    // updater.go removeOldTasks: desired SHUTDOWN for the slot's tasks still meant to run; answers the last one.
    private static SwarmTask? RemoveOld(WorkingSet ws, IEnumerable<SwarmTask> tasks)
    {
        SwarmTask? removed = null;
        foreach (var original in tasks)
        {
            var t = ws.Tasks.GetValueOrDefault(original.ID);
            if (t is null || !Defaults.WantsToRun(t))
                continue;
            ws.Update(t with { DesiredState = TaskStates.Shutdown });
            removed = t;
        }
        return removed;
    }

    private static bool IsSlotDirty(WorkingSet ws, Service service, List<SwarmTask> slot) =>
        slot.Count > 1 || (slot.Count == 1 && SpecKeys.IsTaskDirty(service, slot[0], ws.Node(slot[0].NodeID)));

    private void Complete(WorkingSet ws, Service service, string specKey)
    {
        finished[service.ID] = specKey;
        if (service.UpdateStatus is not { } status)
            return;
        var rollback = status.State == UpdateStates.RollbackStarted;
        ws.Update(service with
        {
            UpdateStatus = status with
            {
                State = rollback ? UpdateStates.RollbackCompleted : UpdateStates.Completed,
                Message = rollback ? OrchestrationMessages.RollbackCompleted : OrchestrationMessages.UpdateCompleted,
                CompletedAt = ws.Now,
            },
        });
    }

    private static void Pause(WorkingSet ws, Service service, string message)
    {
        if (service.UpdateStatus is not { } status)
            return;
        ws.Update(service with
        {
            UpdateStatus = status with
            {
                State = status.State == UpdateStates.RollbackStarted ? UpdateStates.RollbackPaused : UpdateStates.Paused,
                Message = message,
            },
        });
    }

    // updater.go rollbackUpdate: the previous spec becomes the spec; the next pass rolls the slots back with RollbackConfig.
    private static void RollBack(WorkingSet ws, Service service, string message)
    {
        if (service.UpdateStatus is not { } status || service.PreviousSpec is not { } previous)
            return;
        ws.Update(service with
        {
            Spec = previous,
            PreviousSpec = null,
            UpdateStatus = status with { State = UpdateStates.RollbackStarted, Message = message },
        });
    }

    private enum WorkerPhase
    {
        WaitTask,
        WaitStart,
        Delay,
    }

    private sealed class Worker(SlotKey slot, string? taskId, WorkerPhase phase, bool startFirst, List<string> oldTasks)
    {
        public SlotKey Slot { get; } = slot;
        public string? TaskId { get; } = taskId;
        public WorkerPhase Phase { get; private set; } = phase;
        public bool StartFirst { get; } = startFirst;
        public List<string> OldTasks { get; } = oldTasks;
        public DateTime Until { get; private set; }

        public void StartDelay(DateTime now, TimeSpan delay)
        {
            Phase = WorkerPhase.Delay;
            Until = now + delay;
        }
    }

    private sealed class UpdateRun
    {
        public UpdateRun(Service service, string specKey, List<SlotKey> dirty)
        {
            SpecKey = specKey;
            Rollback = service.UpdateStatus?.State == UpdateStates.RollbackStarted;
            var config = (Rollback ? service.Spec.RollbackConfig : service.Spec.UpdateConfig) ?? new UpdateConfig();
            DirtySlots = dirty.Count;
            Parallelism = config.Parallelism <= 0 ? dirty.Count : (int)Math.Min(config.Parallelism, int.MaxValue);
            Delay = Defaults.Nanoseconds(Math.Max(config.Delay, 0));
            Monitor = config.Monitor > 0 ? Defaults.Nanoseconds(config.Monitor) : Defaults.Monitor;
            FailureAction = config.FailureAction is { Length: > 0 } action ? action : "pause";
            MaxFailureRatio = config.MaxFailureRatio;
            StartFirst = config.Order == "start-first";
            Queue = new LinkedList<SlotKey>(dirty);
        }

        public string SpecKey { get; }
        public bool Rollback { get; }
        public int DirtySlots { get; }
        public int Parallelism { get; }
        public TimeSpan Delay { get; }
        public TimeSpan Monitor { get; }
        public string FailureAction { get; }
        public double MaxFailureRatio { get; }
        public bool StartFirst { get; }
        public LinkedList<SlotKey> Queue { get; }
        public List<Worker> Workers { get; } = [];

        /// <summary>Tasks this run made, with when they were first seen RUNNING (or past it).</summary>
        public Dictionary<string, DateTime?> Started { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Failed { get; } = new(StringComparer.Ordinal);
        public DateTime? MonitorUntil { get; set; }

        public void Observe(string taskId, DateTime now)
        {
            if (Started.TryGetValue(taskId, out var at) && at is null)
                Started[taskId] = now;
        }
    }
}
