using Berth.Sdk;
using Berth.Sdk.Cluster;

namespace Berth.Kernel.Cluster.Agent;

/// <summary>
/// Drives one task's container toward the task's desired state, one <see cref="TaskSteps"/> step at a time, and
/// reports every transition: accepted → preparing → ready → starting → running → complete | failed, or shutdown; an
/// error before starting rejects the task, from starting on fails it. A new desired state (<see cref="Update"/>) or the
/// container's exit wakes it; it never polls.
/// </summary>
public sealed class TaskWorker : IAsyncDisposable
{
    private readonly TaskAgentContext context;
    private readonly WakeSignal wake = new();
    private readonly CancellationTokenSource stop = new();
    private TaskAssignment current;
    private string observed;
    private string message;
    private string? containerId;
    private Task<int>? exit;
    private Task? run;

    public TaskWorker(TaskAssignment assignment, TaskContainer? container, TaskAgentContext context)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(context);
        this.context = context;
        current = assignment;
        containerId = container?.Id;
        var seen = TaskRecovery.Observe(assignment.Task, container);
        observed = seen.State;
        message = seen.Message;
        if (seen.Report) Report(seen.State, seen.Err, container is { Running: true } ? container.Pid : 0, seen.ExitCode);
    }

    public string TaskId => Assignment.Task.Id;

    public TaskAssignment Assignment => Volatile.Read(ref current);

    /// <summary>The state this worker last reached (reported or being reported).</summary>
    public string Observed => Volatile.Read(ref observed);

    public string? ContainerId => Volatile.Read(ref containerId);

    /// <summary>The task's latest document from the assignments (its desired state may have changed).</summary>
    public void Update(TaskAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        Volatile.Write(ref current, assignment);
        wake.Set();
    }

    public void Start() => run ??= RunAsync(stop.Token);

    /// <summary>Stops driving the task; its container is left as it is.</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        if (run is not null)
        {
            try
            {
                await run.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var assignment = Assignment;
            var step = TaskSteps.Next(Observed, assignment.Task.DesiredState);
            try
            {
                await DoAsync(step, assignment, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                Serilog.Log.Information("swarm agent: task {Task} {Step}: {Message}", TaskId, step, ex.Message);
                Fail(ex.Message, null);
            }
        }
    }

    private async Task DoAsync(TaskStep step, TaskAssignment assignment, CancellationToken cancellationToken)
    {
        switch (step)
        {
            case TaskStep.None:
                await QuiesceAsync(assignment, cancellationToken).ConfigureAwait(false);
                await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                break;
            case TaskStep.Accept:
                Transition(TaskStates.Accepted, "accepted");
                break;
            case TaskStep.BeginPreparing:
                Transition(TaskStates.Preparing, "preparing");
                break;
            case TaskStep.Prepare:
                await PrepareAsync(assignment, cancellationToken).ConfigureAwait(false);
                Transition(TaskStates.Ready, "prepared");
                break;
            case TaskStep.BeginStarting:
                Transition(TaskStates.Starting, "starting");
                break;
            case TaskStep.Start:
                var started = await StartAsync(assignment, cancellationToken).ConfigureAwait(false);
                Transition(TaskStates.Running, "started", started?.Pid ?? 0, ports: started?.Ports);
                break;
            case TaskStep.Wait:
                await WaitAsync(cancellationToken).ConfigureAwait(false);
                break;
            case TaskStep.Shutdown:
                var exitCode = await ShutdownAsync(assignment, cancellationToken).ConfigureAwait(false);
                Transition(TaskStates.Shutdown, "shutdown", 0, exitCode);
                break;
        }
    }

    /// <summary>Pulls the image when it is not here (a failed pull is only logged: the create then says what is missing), writes the files, creates the container.</summary>
    private async Task PrepareAsync(TaskAssignment assignment, CancellationToken cancellationToken)
    {
        var task = assignment.Task;
        if (context.Containers.FindByTask(task.Id) is { } existing)
        {
            Volatile.Write(ref containerId, existing.Id); // created before a restart of the agent
            return;
        }
        var image = TaskContainerConfig.ImageOf(task);
        if (!context.Images.Exists(image))
        {
            try
            {
                await context.Images.PullAsync(image, task.RegistryAuth, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Serilog.Log.Warning("swarm agent: pulling {Image} for task {Task} failed: {Message}", image, task.Id, ex.Message);
            }
        }
        var files = await context.Files.WriteAsync(assignment, cancellationToken).ConfigureAwait(false);
        try
        {
            var id = await context.Containers.CreateAsync(TaskContainerConfig.NameOf(assignment), TaskContainerConfig.Build(assignment, files), cancellationToken)
                .ConfigureAwait(false);
            Volatile.Write(ref containerId, id);
        }
        catch
        {
            context.Files.Delete(task.Id);
            throw;
        }
    }

    private async Task<TaskContainer?> StartAsync(TaskAssignment assignment, CancellationToken cancellationToken)
    {
        var id = ResolveContainer(assignment);
        await context.Files.WriteAsync(assignment, cancellationToken).ConfigureAwait(false); // the exec root may have been emptied by a reboot
        exit = null;
        await context.Containers.StartAsync(id, cancellationToken).ConfigureAwait(false);
        return context.Containers.Inspect(id);
    }

    /// <summary>Until the container exits (complete, or failed with its exit code) or a new desired state arrives.</summary>
    private async Task WaitAsync(CancellationToken cancellationToken)
    {
        var id = ResolveContainer(Assignment);
        exit ??= context.Containers.WaitNotRunningAsync(id);
        var woken = wake.WaitAsync(cancellationToken);
        if (await Task.WhenAny(exit, woken).ConfigureAwait(false) != exit)
        {
            await woken.ConfigureAwait(false); // throws when cancelled
            return;
        }
        int exitCode;
        try
        {
            exitCode = await exit.ConfigureAwait(false);
        }
        finally
        {
            exit = null;
        }
        if (TaskStates.IsAtLeast(Assignment.Task.DesiredState, TaskStates.Shutdown)) Transition(TaskStates.Shutdown, "shutdown", 0, exitCode);
        else if (exitCode == 0) Transition(TaskStates.Complete, "finished", 0, 0);
        else Fail(TaskSteps.ExitError(exitCode), exitCode);
    }

    /// <returns>The container's exit code once stopped, null when there is no container.</returns>
    private async Task<int?> ShutdownAsync(TaskAssignment assignment, CancellationToken cancellationToken)
    {
        var id = ContainerId ?? context.Containers.FindByTask(assignment.Task.Id)?.Id;
        if (id is null || context.Containers.Inspect(id) is not { } container) return null;
        if (container.Running) await context.Containers.StopAsync(id, assignment.Task.StopGracePeriod, cancellationToken).ConfigureAwait(false);
        return context.Containers.Inspect(id) is { Started: true } stopped ? stopped.ExitCode : null;
    }

    /// <summary>A task that ended while its container still runs (e.g. recorded failed while this node was away) and must stop: stop it, quietly.</summary>
    private async Task QuiesceAsync(TaskAssignment assignment, CancellationToken cancellationToken)
    {
        if (!TaskStates.IsAtLeast(assignment.Task.DesiredState, TaskStates.Shutdown) || ContainerId is not { } id) return;
        try
        {
            if (context.Containers.Inspect(id) is { Running: true })
                await context.Containers.StopAsync(id, assignment.Task.StopGracePeriod, cancellationToken).ConfigureAwait(false);
        }
        catch (BerthException ex)
        {
            Serilog.Log.Warning("swarm agent: stopping the container of ended task {Task}: {Message}", TaskId, ex.Message);
        }
    }

    private string ResolveContainer(TaskAssignment assignment)
    {
        if (ContainerId is { } known && context.Containers.Inspect(known) is not null) return known;
        var found = context.Containers.FindByTask(assignment.Task.Id)
            ?? throw BerthException.NotFound($"No such container: {TaskContainerConfig.NameOf(assignment)}");
        Volatile.Write(ref containerId, found.Id);
        return found.Id;
    }

    private void Transition(string state, string text, int? pid = null, int? exitCode = null, IReadOnlyList<TaskPublishedPort>? ports = null)
    {
        Serilog.Log.Debug("swarm agent: task {Task} {From} → {To}", TaskId, Observed, state);
        message = text;
        Volatile.Write(ref observed, state);
        Report(state, null, pid, exitCode, ports);
    }

    private void Fail(string err, int? exitCode)
    {
        var state = TaskSteps.FailureState(Observed);
        Volatile.Write(ref observed, state);
        Report(state, err, 0, exitCode);
    }

    private void Report(string state, string? err, int? pid, int? exitCode, IReadOnlyList<TaskPublishedPort>? ports = null)
    {
        var withContainer = TaskStates.IsAtLeast(state, TaskStates.Starting) && ContainerId is not null;
        context.Reports.Report(new TaskStatusReport(
            TaskId,
            state,
            message,
            err,
            withContainer ? ContainerId : null,
            withContainer ? pid : null,
            withContainer ? exitCode : null,
            context.Time.GetUtcNow(),
            ports));
    }
}
