using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;
using TaskStatus = Berth.Plugins.Swarmkit.Model.TaskStatus;
using Berth.Sdk.Cluster;

namespace Berth.Plugins.Swarmkit.Orchestration;

/// <summary>The messages orchestration writes, as swarmkit words them.</summary>
public static class OrchestrationMessages
{
    /// <summary>A new task, waiting for the scheduler (swarmkit's allocator moves NEW to PENDING with it; Berth has no allocator step).</summary>
    public const string PendingScheduling = "pending task scheduling";
    public const string Assigned = "scheduler assigned task to node";
    public const string AssignedPreassigned = "scheduler confirmed task can run on preassigned node";
    public const string NoSuitableNode = "no suitable node";
    public const string RejectedByConstraintEnforcer = "task rejected by constraint enforcer";
    public const string NodeNoLongerMeetsConstraints = "assigned node no longer meets constraints";
    public const string UpdateInProgress = "update in progress";
    public const string UpdateCompleted = "update completed";
    public const string RollbackCompleted = "rollback completed";

    public static string UpdatePaused(string taskId) => $"update paused due to failure or early termination of task {taskId}";
    public static string RollbackPaused(string taskId) => $"rollback paused due to failure or early termination of task {taskId}";
    public static string UpdateRolledBack(string taskId) => $"update rolled back due to failure or early termination of task {taskId}";
}

/// <summary>
/// <see cref="TaskStates.Rank"/> as a switch: orchestration ranks every task several times per pass, and a string switch
/// costs a length check and one comparison instead of a scan of the list.
/// </summary>
internal static class States
{
    public static int Rank(string state) => state switch
    {
        TaskStates.New => 0,
        TaskStates.Pending => 1,
        TaskStates.Assigned => 2,
        TaskStates.Accepted => 3,
        TaskStates.Preparing => 4,
        TaskStates.Ready => 5,
        TaskStates.Starting => 6,
        TaskStates.Running => 7,
        TaskStates.Complete => 8,
        TaskStates.Shutdown => 9,
        TaskStates.Failed => 10,
        TaskStates.Rejected => 11,
        TaskStates.Remove => 12,
        TaskStates.Orphaned => 13,
        _ => -1,
    };

    public static readonly int Pending = Rank(TaskStates.Pending);
    public static readonly int Assigned = Rank(TaskStates.Assigned);
    public static readonly int Running = Rank(TaskStates.Running);
    public static readonly int Complete = Rank(TaskStates.Complete);
    public static readonly int Shutdown = Rank(TaskStates.Shutdown);
    public static readonly int Remove = Rank(TaskStates.Remove);
}

/// <summary>swarmkit's defaults (<c>api/defaults/service.go</c>) and small readers of the spec.</summary>
internal static class Defaults
{
    public static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Monitor = TimeSpan.FromSeconds(5);

    /// <summary>How long a delayed start waits for the task it replaces to stop (restart.go defaultOldTaskTimeout).</summary>
    public static readonly TimeSpan OldTaskTimeout = TimeSpan.FromMinutes(1);

    public static TimeSpan Nanoseconds(long value) => TimeSpan.FromTicks(value / 100);

    public static TimeSpan RestartDelayOf(TaskSpec spec) => spec.RestartPolicy?.Delay is { } delay ? Nanoseconds(Math.Max(delay, 0)) : RestartDelay;

    public static string RestartCondition(TaskSpec spec) => spec.RestartPolicy?.Condition is { Length: > 0 } c ? c : "any";

    public static bool IsGlobal(Service service) => service.Spec.Mode.IsGlobal;

    public static bool IsJob(Service service) =>
        service.Spec.Mode.ReplicatedJob is { ValueKind: JsonValueKind.Object } || service.Spec.Mode.GlobalJob is { ValueKind: JsonValueKind.Object };

    public static bool IsReplicated(Service service) => !IsGlobal(service) && !IsJob(service);

    public static long Replicas(Service service) => service.Spec.Mode.Replicated?.Replicas ?? 1;

    /// <summary>swarmkit's orchestrator.InvalidNode: gone, down or drained.</summary>
    public static bool InvalidNode(Node? node) =>
        node is null || node.Status.State == NodeStates.Down || node.Spec.Availability == NodeAvailability.Drain;

    public static bool IsTerminal(SwarmTask task) => States.Rank(task.Status.State) > States.Running;

    /// <summary>Desired state at most RUNNING: the task is (still) meant to run.</summary>
    public static bool WantsToRun(SwarmTask task) => States.Rank(task.DesiredState) <= States.Running;

    /// <summary>swarmkit's taskTimestamp: when the task last changed state.</summary>
    public static DateTime Timestamp(SwarmTask task) => task.Status.Timestamp;

    /// <summary>swarmkit's orchestrator.NewTask, already PENDING (there is no allocator step).</summary>
    public static SwarmTask NewTask(Service service, long slot, string? nodeId, DateTime now) => new()
    {
        ID = ObjectIds.New(),
        CreatedAt = now,
        UpdatedAt = now,
        ServiceID = service.ID,
        Slot = slot,
        NodeID = nodeId,
        Spec = service.Spec.TaskTemplate,
        Endpoint = EndpointOf(service.Spec.EndpointSpec),
        DesiredState = TaskStates.Running,
        Status = new TaskStatus { State = TaskStates.Pending, Message = OrchestrationMessages.PendingScheduling, Timestamp = now },
    };

    // Always set, as swarmkit does, so that a service which gains an endpoint spec later marks its tasks dirty.
    private static ServiceEndpoint EndpointOf(EndpointSpec? spec) => new() { Spec = spec, Ports = spec?.Ports };
}
