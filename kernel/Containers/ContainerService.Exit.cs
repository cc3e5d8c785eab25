using System.Collections.Concurrent;
using Berth.Kernel.Runtime;
using Berth.Sdk;

namespace Berth.Kernel.Containers;

public sealed partial class ContainerService
{
    private readonly ConcurrentDictionary<string, TimeSpan> restartDelays = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> pendingRestarts = new(StringComparer.Ordinal);

    /// <summary>conmon wrote the exit file: release the runtime's resources, record the exit, apply the restart policy.</summary>
    private async Task OnExitAsync(Container container, int exitCode)
    {
        bool restart;
        await container.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!container.State.Running) return;
            restart = await RecordExitLockedAsync(container, exitCode).ConfigureAwait(false);
        }
        finally
        {
            container.Gate.Release();
        }
        waiters.Exited(container.Id, new ExitResult(exitCode, null));
        if (restart) _ = RestartLaterAsync(container);
        else if (HostConfigDefaults.AutoRemove(container.HostConfig)) await AutoRemoveAsync(container).ConfigureAwait(false);
    }

    private async Task<bool> RecordExitLockedAsync(Container container, int exitCode)
    {
        var paths = runtime.PathsOf(container.Id);
        var oomKilled = File.Exists(paths.OomFile);
        Stopped?.Invoke(container);
        await logs.StopAsync(container.Id, CancellationToken.None).ConfigureAwait(false);
        await IgnoreFailureAsync(() => runtime.Cli.DeleteAsync(RuntimeOf(container), container.Id, CancellationToken.None)).ConfigureAwait(false);
        await ReleaseMountsAsync(container, paths, container.Mounts.Where(m => m.Type == "volume").Select(m => m.Name!)).ConfigureAwait(false);
        await DisconnectNetworksAsync(container).ConfigureAwait(false);
        var ranFor = Now - (container.State.StartedAt ?? Now);
        var restart = RestartPolicy.ShouldRestart(container.HostConfig, exitCode, container.HasBeenManuallyStopped, container.RestartCount);
        container.State = container.State with
        {
            Status = restart ? "restarting" : "exited",
            Running = false,
            Paused = false,
            Restarting = restart,
            Pid = 0,
            ExitCode = exitCode,
            OOMKilled = oomKilled,
            FinishedAt = Now,
            Health = container.State.Health is null ? null : container.State.Health with { Status = "unhealthy" },
        };
        if (restart) restartDelays[container.Id] = RestartPolicy.NextDelay(restartDelays.GetValueOrDefault(container.Id), ranFor);
        await SaveAsync(container, CancellationToken.None).ConfigureAwait(false);
        if (oomKilled) events.Publish(container, "oom");
        events.Publish(container, "die", new Dictionary<string, string> { ["exitCode"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return restart;
    }

    private async Task RestartLaterAsync(Container container)
    {
        using var cancel = new CancellationTokenSource();
        pendingRestarts[container.Id] = cancel;
        try
        {
            await Task.Delay(restartDelays.GetValueOrDefault(container.Id, TimeSpan.FromMilliseconds(100)), time, cancel.Token).ConfigureAwait(false);
            await container.Gate.WaitAsync(cancel.Token).ConfigureAwait(false);
            try
            {
                if (!container.State.Restarting || container.RemovalInProgress) return;
                container.RestartCount++;
                await StartLockedAsync(container, cancel.Token).ConfigureAwait(false);
            }
            finally
            {
                container.Gate.Release();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is BerthException or IOException)
        {
            Serilog.Log.Warning("restarting {Id} failed: {Message}", container.Id, ex.Message);
            container.State = container.State with { Restarting = false, Status = "exited" };
            await SaveAsync(container, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            pendingRestarts.TryRemove(container.Id, out _);
        }
    }

    /// <summary>A stop or remove while a restart is pending: the container stays exited.</summary>
    private async Task CancelRestartAsync(Container container)
    {
        if (pendingRestarts.TryRemove(container.Id, out var pending)) await pending.CancelAsync().ConfigureAwait(false);
        if (container.State.Restarting)
        {
            container.State = container.State with { Restarting = false, Status = "exited" };
            await SaveAsync(container, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task AutoRemoveAsync(Container container)
    {
        try
        {
            await RemoveAsync(container.Id, force: true, removeVolumes: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BerthException ex)
        {
            Serilog.Log.Warning("removing {Id} (--rm) failed: {Message}", container.Id, ex.Message);
        }
    }
}
