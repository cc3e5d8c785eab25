using Berth.Plugins.Swarmkit.Orchestration.Global;
using Berth.Plugins.Swarmkit.Orchestration.Reaper;
using Berth.Plugins.Swarmkit.Orchestration.Replicated;
using Berth.Plugins.Swarmkit.Orchestration.Restart;
using Berth.Plugins.Swarmkit.Orchestration.Scheduling;
using Berth.Plugins.Swarmkit.Orchestration.Update;
using Berth.Plugins.Swarmkit.Store;

namespace Berth.Plugins.Swarmkit.Orchestration;

/// <summary>What one pass decided: the writes, and when it wants to look again even if nothing commits.</summary>
public sealed record ReconcileResult(IReadOnlyList<StoreOp> Ops, DateTime? WakeAt);

/// <summary>
/// The leader's orchestration as one deterministic pass: state and time in, store ops out. In order: tasks of
/// removed services are marked for removal, the constraint enforcer, the replicated and global orchestrators (with
/// the restart supervisor and the rolling updater), delayed starts, the scheduler, the task reaper. One instance
/// lives for one leadership term: it remembers what swarmkit keeps in memory (restart holds, update progress);
/// everything else is read from the state on every pass, so a pass whose writes were refused is simply redone.
/// </summary>
public sealed class Reconciler
{
    private readonly RestartSupervisor restarts = new();
    private readonly Updater updater;
    private readonly ReplicatedOrchestrator replicated;
    private readonly GlobalOrchestrator global;

    public Reconciler()
    {
        updater = new Updater(restarts);
        replicated = new ReplicatedOrchestrator(restarts, updater);
        global = new GlobalOrchestrator(restarts, updater);
    }

    public ReconcileResult Run(ClusterState state, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var ws = new WorkingSet(state, now);
        var wake = new Wake();
        updater.Forget(ws);

        TaskReaper.MarkOrphans(ws);
        ConstraintEnforcer.Run(ws);
        foreach (var service in ws.Services.Values.OrderBy(s => s.ID, StringComparer.Ordinal).ToList())
        {
            if (Defaults.IsGlobal(service))
                global.Reconcile(ws, service, wake);
            else if (Defaults.IsReplicated(service))
                replicated.Reconcile(ws, service, wake);
        }
        restarts.StartDue(ws, wake);
        Scheduler.Run(ws);
        TaskReaper.Run(ws);
        return new ReconcileResult(ws.Ops(), wake.Earliest);
    }
}
