using Berth.Plugins.Swarmkit.Model;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Orchestration;

/// <summary>
/// swarmkit's constraint enforcer (<c>orchestrator/constraintenforcer/</c>): a task on an active node that no longer
/// satisfies its placement constraints (a label was changed or removed) is rejected, so the orchestrator replaces it.
/// The task's own constraints are read, not the service's: a service update that changes them is the updater's to roll.
/// </summary>
internal static class ConstraintEnforcer
{
    public static void Run(WorkingSet ws)
    {
        var assigned = States.Assigned;
        var complete = States.Complete;
        List<SwarmTask>? rejected = null;
        foreach (var task in ws.Tasks.Values)
        {
            if (task.NodeID is null || task.Spec.Placement?.Constraints is not { Count: > 0 })
                continue;
            var desired = States.Rank(task.DesiredState);
            if (desired < assigned || desired > complete || States.Rank(task.Status.State) >= complete)
                continue;
            if (ws.Node(task.NodeID) is not { } node || node.Spec.Availability != NodeAvailability.Active)
                continue;
            if (!Constraints.Matches(Constraints.Of(task.Spec), node))
                (rejected ??= []).Add(task);
        }
        foreach (var task in rejected ?? [])
        {
            ws.Update(task with
            {
                Status = task.Status with
                {
                    State = TaskStates.Rejected,
                    Message = OrchestrationMessages.RejectedByConstraintEnforcer,
                    Err = OrchestrationMessages.NodeNoLongerMeetsConstraints,
                    Timestamp = ws.Now,
                },
            });
        }
    }
}
