using Berth.Kernel.Runtime;
using Berth.Kernel.Runtime.Monitor;
using Berth.Sdk;

namespace Berth.Kernel.Containers;

public sealed partial class ContainerService
{
    /// <summary>
    /// At daemon start: containers whose monitor still runs are adopted (live-restore) or, without live-restore,
    /// killed as Moby does; exits that happened while berthd was down are recorded; then restart policies apply.
    /// </summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        var liveRestore = daemonConfig.Current.LiveRestore;
        foreach (var container in store.All)
        {
            try
            {
                await RestoreOneAsync(container, liveRestore, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BerthException or IOException)
            {
                Serilog.Log.Warning("restoring container {Id}: {Message}", container.Id, ex.Message);
            }
        }
        await volumes.UnmountIdleAsync(cancellationToken).ConfigureAwait(false);
        foreach (var container in store.All.Where(c => !c.State.Running && ShouldStartWithDaemon(c)))
        {
            try
            {
                await StartAsync(container.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (BerthException ex)
            {
                Serilog.Log.Warning("restart policy: starting {Id} failed: {Message}", container.Id, ex.Message);
            }
        }
    }

    private async Task RestoreOneAsync(Container container, bool liveRestore, CancellationToken cancellationToken)
    {
        if (!container.State.Running && !container.State.Restarting) return;
        var paths = runtime.PathsOf(container.Id);
        var exitCode = ExitWatcher.ReadExitCode(runtime.ExecRoot, container.Id);
        var alive = exitCode is null && MonitorAlive(paths);
        if (alive && liveRestore)
        {
            Serilog.Log.Information("live-restore: adopting running container {Id}", container.Id);
            await logs.StartAsync(container, paths, cancellationToken).ConfigureAwait(false);
            TrackEndpoints(container);
            runtime.Exits.Watch(container.Id, code => OnExitAsync(container, code));
            Started?.Invoke(container);
            return;
        }
        if (alive)
        {
            Serilog.Log.Information("killing container {Id}: it was left running and live-restore is off", container.Id);
            runtime.Exits.Watch(container.Id, code => OnExitAsync(container, code));
            await logs.StartAsync(container, paths, cancellationToken).ConfigureAwait(false);
            await SignalAsync(container, Signals.Kill, cancellationToken).ConfigureAwait(false);
            return;
        }
        container.State = container.State with { Running = true }; // so the exit is recorded once, with its cleanup
        await logs.StartAsync(container, paths, cancellationToken).ConfigureAwait(false);
        await OnExitAsync(container, exitCode ?? 255).ConfigureAwait(false);
    }

    private bool ShouldStartWithDaemon(Container container)
    {
        if (container.HasBeenManuallyStopped || container.RemovalInProgress) return false;
        var policy = HostConfigDefaults.RestartPolicyName(container.HostConfig);
        return policy is "always" or "unless-stopped" || (policy == "on-failure" && container.State.ExitCode != 0);
    }

    /// <summary>At shutdown without live-restore, running containers are stopped, as Moby does.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (daemonConfig.Current.LiveRestore) return;
        var stops = store.All.Where(c => c.State.Running).Select(async c =>
        {
            try
            {
                await StopAsync(c.Id, null, null, cancellationToken).ConfigureAwait(false);
                c.HasBeenManuallyStopped = false; // a daemon stop is not the user's: always/unless-stopped come back
                await SaveAsync(c, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BerthException or IOException or TimeoutException or OperationCanceledException)
            {
                Serilog.Log.Warning("stopping {Id} at shutdown: {Message}", c.Id, ex.Message);
            }
        });
        await Task.WhenAll(stops).ConfigureAwait(false);
    }

    private static bool MonitorAlive(RuntimePaths paths)
    {
        try
        {
            if (!int.TryParse(File.ReadAllText(paths.MonitorPidfile).Trim(), out var pid)) return false;
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains(paths.Id, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
