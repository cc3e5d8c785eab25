using Berth.Sdk.Cluster;
namespace Berth.Kernel.Cluster.Agent;

/// <summary>What the agent does next for one task.</summary>
public enum TaskStep
{
    /// <summary>Stay: wait for a new desired state (or, when running, for the container to exit).</summary>
    None,

    /// <summary>Report accepted.</summary>
    Accept,

    /// <summary>Report preparing.</summary>
    BeginPreparing,

    /// <summary>Pull the image if it is missing, write the secret and config files, create the container; report ready.</summary>
    Prepare,

    /// <summary>Report starting.</summary>
    BeginStarting,

    /// <summary>Start the container; report running.</summary>
    Start,

    /// <summary>Wait for the container to exit; report complete, or failed with its exit code.</summary>
    Wait,

    /// <summary>Stop the container with the spec's grace period; report shutdown.</summary>
    Shutdown,
}

/// <summary>swarmkit's <c>exec.Do</c> (agent/exec/controller.go): the one step that moves a task closer to its desired state.</summary>
public static class TaskSteps
{
    public static TaskStep Next(string observed, string desired)
    {
        var o = TaskStates.Rank(observed);
        var d = TaskStates.Rank(desired);
        // Desired shutdown (or later) bounds the agent at shutdown; a task that already ended stays as it is.
        if (d >= TaskStates.Rank(TaskStates.Shutdown))
            return o >= TaskStates.Rank(TaskStates.Complete) ? TaskStep.None : TaskStep.Shutdown;
        if (o > d) return TaskStep.None;

        // These proceed even to a state past the desired one.
        switch (observed)
        {
            case TaskStates.Preparing: return TaskStep.Prepare;
            case TaskStates.Starting: return TaskStep.Start;
            case TaskStates.Running: return TaskStep.Wait;
        }

        // Pause states: move on only while the desired state is further (a task made with desired "ready" waits prepared).
        if (o >= d) return TaskStep.None;
        return observed switch
        {
            TaskStates.New or TaskStates.Pending or TaskStates.Assigned => TaskStep.Accept,
            TaskStates.Accepted => TaskStep.BeginPreparing,
            TaskStates.Ready => TaskStep.BeginStarting,
            _ => TaskStep.None,
        };
    }

    /// <summary>The terminal state of an error: rejected before the task started, failed from starting on.</summary>
    public static string FailureState(string observed) =>
        TaskStates.Rank(observed) < TaskStates.Rank(TaskStates.Starting) ? TaskStates.Rejected : TaskStates.Failed;

    /// <summary>Moby's exit error text.</summary>
    public static string ExitError(int exitCode) => $"task: non-zero exit ({exitCode})";
}
