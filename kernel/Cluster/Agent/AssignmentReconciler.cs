using Berth.Sdk;
using Berth.Sdk.Cluster;

namespace Berth.Kernel.Cluster.Agent;

/// <summary>
/// Turns each new set of assignments into task workers (swarmkit's worker.reconcileTaskState): a worker per assigned
/// task, updated with the task's latest document; tasks that left the set lose their worker, their container (stopped
/// with the task's grace period, then removed) and their files. Containers of tasks this node does not have any more
/// (reaped while berthd was down) are removed too.
/// </summary>
public sealed class AssignmentReconciler(TaskAgentContext context) : IAsyncDisposable
{
    private readonly Dictionary<string, TaskWorker> workers = new(StringComparer.Ordinal);

    public IReadOnlyCollection<TaskWorker> Workers => workers.Values;

    public TaskWorker? Worker(string taskId) => workers.GetValueOrDefault(taskId);

    /// <summary>Called by one loop at a time.</summary>
    public async Task ApplyAsync(NodeAssignments assignments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        var assigned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in assignments.Tasks)
        {
            AssignedTask task;
            try
            {
                task = AssignedTask.Parse(document);
            }
            catch (BerthException ex)
            {
                Serilog.Log.Warning("swarm agent: ignoring an assigned task: {Message}", ex.Message);
                continue;
            }
            if (!assigned.Add(task.Id)) continue;
            var assignment = TaskAssignment.Of(task, assignments);
            if (workers.TryGetValue(task.Id, out var worker))
            {
                worker.Update(assignment);
                continue;
            }
            worker = new TaskWorker(assignment, context.Containers.FindByTask(task.Id), context);
            workers[task.Id] = worker;
            worker.Start();
        }

        var retired = workers.Where(p => !assigned.Contains(p.Key)).ToList();
        foreach (var (id, _) in retired) workers.Remove(id);
        await Task.WhenAll(retired.Select(p => RetireAsync(p.Value, cancellationToken))).ConfigureAwait(false);

        var handled = retired.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var orphans = context.Containers.List()
            .Where(c => c.TaskId.Length > 0 && !assigned.Contains(c.TaskId) && !handled.Contains(c.TaskId))
            .Select(c => RemoveContainerAsync(c.Id, c.TaskId, AssignedTask.DefaultStopGracePeriod, cancellationToken));
        await Task.WhenAll(orphans).ConfigureAwait(false);
        context.Files.Prune(assigned);
    }

    private async Task RetireAsync(TaskWorker worker, CancellationToken cancellationToken)
    {
        var taskId = worker.TaskId;
        var grace = worker.Assignment.Task.StopGracePeriod;
        await worker.DisposeAsync().ConfigureAwait(false);
        var id = worker.ContainerId ?? context.Containers.FindByTask(taskId)?.Id;
        if (id is not null) await RemoveContainerAsync(id, taskId, grace, cancellationToken).ConfigureAwait(false);
        context.Files.Delete(taskId);
    }

    /// <summary>Moby's controller.Remove: shut the task down first when it still runs, then force-remove.</summary>
    private async Task RemoveContainerAsync(string id, string taskId, TimeSpan grace, CancellationToken cancellationToken)
    {
        try
        {
            if (context.Containers.Inspect(id) is { Running: true })
                await context.Containers.StopAsync(id, grace, cancellationToken).ConfigureAwait(false);
            if (context.Containers.Inspect(id) is not null)
                await context.Containers.RemoveAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (BerthException ex) when (ex.Kind == BerthErrorKind.NotFound)
        {
        }
        catch (BerthException ex)
        {
            Serilog.Log.Warning("swarm agent: removing the container {Id} of task {Task}: {Message}", id, taskId, ex.Message);
        }
    }

    /// <summary>Stops every worker; containers are left as they are (the daemon is stopping or the node left the swarm).</summary>
    public async ValueTask DisposeAsync()
    {
        var all = workers.Values.ToList();
        workers.Clear();
        foreach (var worker in all) await worker.DisposeAsync().ConfigureAwait(false);
    }
}
