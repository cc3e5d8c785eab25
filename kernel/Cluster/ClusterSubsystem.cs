using Berth.Kernel.Cluster.Agent;
using Berth.Kernel.Config;
using Berth.Kernel.Containers;
using Berth.Kernel.Images;
using Berth.Kernel.Images.Pull;
using Berth.Kernel.Plugins;
using Berth.Sdk.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Cluster;

/// <summary>Registers swarm mode's kernel side (membership, task agent, their kernel seams) and starts and stops it with the daemon.</summary>
public static class ClusterSubsystem
{
    public static void Register(IServiceCollection services, DaemonConfig config)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(config);
        services.AddSingleton(new SwarmMarker(config.DataRoot));
        services.AddSingleton(new TaskFileStore(Path.Combine(config.ExecRoot, "swarm", "tasks")));
        services.AddSingleton<ITaskContainers>(sp => new KernelTaskContainers(sp.GetRequiredService<ContainerService>(), sp.GetRequiredService<DaemonConfigHolder>()));
        services.AddSingleton<ITaskImages>(sp => new KernelTaskImages(sp.GetRequiredService<ImageService>(), sp.GetRequiredService<ImagePuller>()));
        services.AddSingleton(sp => new SwarmAgent(Backend(sp), sp.GetRequiredService<ITaskContainers>(), sp.GetRequiredService<ITaskImages>(),
            sp.GetRequiredService<TaskFileStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ClusterMembership(
            Backend(sp),
            sp.GetRequiredService<SwarmMarker>(),
            sp.GetRequiredService<SwarmAgent>(),
            sp.GetRequiredService<ITaskContainers>(),
            sp.GetRequiredService<TaskFileStore>(),
            sp.GetRequiredService<TimeProvider>(),
            new PluginBackendProcess(sp.GetRequiredService<PluginManager>(), sp.GetRequiredService<DriverSelection>().ClusterId)));
    }

    /// <summary>
    /// Once <paramref name="restored"/> (plugins started, containers restored) completes: a node that was in a swarm
    /// starts its cluster backend and task agent.
    /// </summary>
    public static async Task ResumeAfterAsync(Task restored, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(restored);
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            await restored.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Serilog.Log.Warning("start-up did not finish ({Message}); resuming the swarm membership anyway", ex.Message);
        }
        try
        {
            await services.GetRequiredService<ClusterMembership>().ResumeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>At shutdown, before containers are stopped: the agent stops so it does not report the daemon's own stops as task failures.</summary>
    public static Task StopAsync(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetRequiredService<ClusterMembership>().StopAsync();
    }

    /// <summary>The cluster backend plugin's client; its process starts on the first call.</summary>
    private static IClusterBackend Backend(IServiceProvider services) =>
        services.GetRequiredService<PluginManager>().Client<IClusterBackend>(services.GetRequiredService<DriverSelection>().ClusterId);

    private sealed class PluginBackendProcess(PluginManager plugins, string pluginId) : IClusterBackendProcess
    {
        public bool IsRunning => plugins.List().Any(e => e.Plugin.Id == pluginId && e.Supervisor is not null);

        public Task StopAsync() => plugins.StopUntilNextUseAsync(pluginId);
    }
}
