using System.Text.Json;
using Berth.Kernel.InitLayer;
using Berth.Kernel.Runtime;
using Berth.Kernel.Runtime.Monitor;
using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;
using Berth.Sdk.Storage.Mounts;

namespace Berth.Kernel.Containers;

public sealed partial class ContainerService
{
    /// <returns>false when the container was already running (the API answers 304).</returns>
    public async Task<bool> StartAsync(string idOrName, CancellationToken cancellationToken)
    {
        var container = store.Get(idOrName);
        var failed = false;
        await container.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (container.State.Paused) throw BerthException.Conflict("cannot start a paused container, try unpause instead");
            if (container.State.Running) return false;
            if (container.RemovalInProgress || container.State.Dead)
                throw BerthException.Conflict($"container is marked for removal and cannot be started");
            failed = true;
            await StartLockedAsync(container, cancellationToken).ConfigureAwait(false);
            failed = false;
            return true;
        }
        finally
        {
            container.Gate.Release();
            // A --rm container whose start failed goes away, as in Moby.
            if (failed && HostConfigDefaults.AutoRemove(container.HostConfig)) _ = AutoRemoveAsync(container);
        }
    }

    private async Task StartLockedAsync(Container container, CancellationToken cancellationToken)
    {
        var daemon = daemonConfig.Current;
        var paths = runtime.PathsOf(container.Id);
        var oci = OciRuntime.Resolve(daemon, container.RuntimeName);
        var mounted = new List<string>();
        var logging = false;
        var created = false;
        var networked = false;
        try
        {
            Directory.CreateDirectory(paths.Bundle);
            await MountRootfsAsync(container, paths, cancellationToken).ConfigureAwait(false);
            InitLayerSetup.Populate(paths.Rootfs);
            var sandbox = await ConnectNetworksAsync(container, cancellationToken).ConfigureAwait(false);
            networked = true;
            var ociMounts = await PrepareMountsAsync(container, paths, mounted, cancellationToken).ConfigureAwait(false);
            var namespaces = NetworkModes.NamespacePaths(container, store, sandbox);
            var built = OciSpecBuilder.Build(
                new SpecInputs(container.Id, paths.Rootfs, ConfigWithLinks(container), container.HostConfig, ociMounts, CgroupsPathOf(container), namespaces),
                HostSupport.Current);
            await File.WriteAllBytesAsync(paths.Spec, JsonSerializer.SerializeToUtf8Bytes(built.Spec), cancellationToken).ConfigureAwait(false);

            runtime.Exits.Clear(container.Id);
            File.Delete(paths.OomFile);
            await logs.StartAsync(container, paths, cancellationToken).ConfigureAwait(false);
            logging = true;
            var openStdin = container.Config["OpenStdin"]?.GetValue<bool>() ?? false;
            var stdinOnce = container.Config["StdinOnce"]?.GetValue<bool>() ?? false;
            var pid = await runtime.Monitor.CreateAsync(
                new MonitorRequest(paths, container.Name.TrimStart('/'), oci, container.Tty, openStdin, stdinOnce), cancellationToken).ConfigureAwait(false);
            created = true;
            await rendezvous.ReleaseAsync(container.Id, paths.AttachSocket, cancellationToken).ConfigureAwait(false);
            runtime.Exits.Watch(container.Id, code => OnExitAsync(container, code));
            await runtime.Cli.StartAsync(oci, container.Id, cancellationToken).ConfigureAwait(false);

            container.State = new ContainerState
            {
                Status = "running",
                Running = true,
                Pid = pid,
                StartedAt = Now,
                FinishedAt = container.State.FinishedAt,
                Health = HealthStarting(container),
            };
            container.HasBeenStartedBefore = true;
            container.HasBeenManuallyStopped = false;
            await SaveAsync(container, CancellationToken.None).ConfigureAwait(false);
            events.Publish(container, "start");
            Started?.Invoke(container);
        }
        catch (Exception ex)
        {
            runtime.Exits.Forget(container.Id);
            rendezvous.Fail(container.Id, ex);
            if (created) await IgnoreFailureAsync(() => runtime.Cli.DeleteAsync(oci, container.Id, CancellationToken.None)).ConfigureAwait(false);
            if (logging) await logs.StopAsync(container.Id, CancellationToken.None).ConfigureAwait(false);
            if (networked) await DisconnectNetworksAsync(container).ConfigureAwait(false);
            await ReleaseMountsAsync(container, paths, mounted).ConfigureAwait(false);
            container.State = container.State with { Error = ex.Message, ExitCode = ExitCodeOf(ex), Running = false };
            await SaveAsync(container, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Moby's convention for a process that never ran: 127 not found, 126 not executable, 128 otherwise.</summary>
    private static int ExitCodeOf(Exception ex) =>
        ex.Message.Contains("no such file or directory", StringComparison.Ordinal) || ex.Message.Contains("executable file not found", StringComparison.Ordinal) ? 127
        : ex.Message.Contains("permission denied", StringComparison.Ordinal) ? 126
        : 128;

    /// <summary>A container with a health check starts in "starting".</summary>
    private static HealthState? HealthStarting(Container container) =>
        Health.HealthCheckConfig.Of(container) is null ? null : new HealthState("starting", 0, []);

    internal static string CgroupsPathOf(Container container)
    {
        var parent = container.HostConfig["CgroupParent"]?.GetValue<string>();
        return string.IsNullOrEmpty(parent) ? "/berth/" + container.Id : "/" + parent.Trim('/') + "/" + container.Id;
    }

    private async Task MountRootfsAsync(Container container, RuntimePaths paths, CancellationToken cancellationToken)
    {
        if (Mountinfo.IsMountPoint(paths.Rootfs)) return;
        var mounts = await imageSubsystem.Snapshotter.MountsAsync(container.Id, cancellationToken).ConfigureAwait(false);
        MountHelper.Mount(mounts, paths.Rootfs);
    }

    private static async Task IgnoreFailureAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BerthException or IOException)
        {
            Serilog.Log.Debug("cleanup step failed: {Message}", ex.Message);
        }
    }
}
