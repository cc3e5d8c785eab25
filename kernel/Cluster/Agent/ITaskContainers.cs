using System.Text.Json.Nodes;
using Berth.Sdk.Cluster;

namespace Berth.Kernel.Cluster.Agent;

/// <summary>What the task agent needs of the container service: the narrow seam that keeps it unit-testable.</summary>
public interface ITaskContainers
{
    /// <summary>Every container carrying <see cref="SwarmLabels.Task"/> or <see cref="SwarmLabels.TaskId"/>.</summary>
    IReadOnlyList<TaskContainer> List();

    /// <summary>The container of a task (by its <see cref="SwarmLabels.TaskId"/> label), if one exists.</summary>
    TaskContainer? FindByTask(string taskId);

    TaskContainer? Inspect(string id);

    /// <summary>Creates a container from an Engine API create body; returns its id.</summary>
    Task<string> CreateAsync(string name, JsonObject body, CancellationToken cancellationToken);

    Task StartAsync(string id, CancellationToken cancellationToken);

    /// <summary>Sends the stop signal, waits <paramref name="grace"/>, then kills.</summary>
    Task StopAsync(string id, TimeSpan grace, CancellationToken cancellationToken);

    /// <summary>Force-removes the container with its anonymous volumes (Moby's ContainerRm with ForceRemove and RemoveVolume).</summary>
    Task RemoveAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Completes with the exit code once the container does not run (at once when it does not run now); also when it
    /// is removed. Driven by the container service's exit handling, not by polling.
    /// </summary>
    Task<int> WaitNotRunningAsync(string id);
}

/// <param name="Started">The container's process ran at least once (a created container that never started is "ready").</param>
/// <param name="Ports">Ports published on the host while it runs.</param>
public sealed record TaskContainer(string Id, string Name, string TaskId, bool Running, bool Started, int ExitCode, int Pid,
    IReadOnlyList<TaskPublishedPort>? Ports = null);
