using Berth.Sdk.Cluster;
namespace Berth.Kernel.Cluster.Agent;

/// <summary>What the agent observes of a task it (re)discovers, e.g. after a daemon restart.</summary>
/// <param name="State">The later of the manager's record and what the container shows.</param>
/// <param name="Report">The container shows more than the manager knows: report <see cref="State"/>.</param>
public sealed record TaskObservation(string State, bool Report, string Message, string? Err, int? ExitCode);

/// <summary>
/// The agent keeps no state of its own: a task's progress is the later of the manager's record of it and what its
/// container (found by the task-id label) shows — created and never started is ready, running is running, exited is
/// complete or failed by its exit code (shutdown when the task was meant to stop).
/// </summary>
public static class TaskRecovery
{
    public static TaskObservation Observe(AssignedTask task, TaskContainer? container)
    {
        ArgumentNullException.ThrowIfNull(task);
        var recorded = task.State;
        if (container is null || TaskStates.IsTerminal(recorded)) return new TaskObservation(recorded, false, "", null, null);
        string local;
        string message;
        string? err = null;
        int? exitCode = null;
        if (container.Running)
        {
            (local, message) = (TaskStates.Running, "started");
        }
        else if (!container.Started)
        {
            (local, message) = (TaskStates.Ready, "prepared");
        }
        else
        {
            exitCode = container.ExitCode;
            if (TaskStates.IsAtLeast(task.DesiredState, TaskStates.Shutdown)) (local, message) = (TaskStates.Shutdown, "shutdown");
            else if (container.ExitCode == 0) (local, message) = (TaskStates.Complete, "finished");
            else (local, message, err) = (TaskStates.Failed, "started", TaskSteps.ExitError(container.ExitCode));
        }
        return TaskStates.Rank(local) > TaskStates.Rank(recorded)
            ? new TaskObservation(local, true, message, err, exitCode)
            : new TaskObservation(recorded, false, "", null, null);
    }
}
