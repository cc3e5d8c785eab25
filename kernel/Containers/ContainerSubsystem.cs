using Berth.Kernel.Config;
using Berth.Kernel.Containers.Exec;
using Berth.Kernel.Containers.Health;
using Berth.Kernel.Containers.Logs;
using Berth.Kernel.Images;
using Berth.Kernel.Names;
using Berth.Kernel.Runtime;
using Berth.Kernel.Volumes;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Containers;

/// <summary>Loads the container records under <c>&lt;data-root&gt;/containers</c> at start and registers the container services.</summary>
public sealed class ContainerSubsystem
{
    private ContainerSubsystem(ContainerStore store) => Store = store;

    public ContainerStore Store { get; }

    public static async Task<ContainerSubsystem> LoadAsync(DaemonConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var store = await ContainerStore.LoadAsync(Path.Combine(config.DataRoot, "containers"), new NameRegistry(), cancellationToken).ConfigureAwait(false);
        return new ContainerSubsystem(store);
    }

    public void Register(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var usage = new ContainerUsage(Store);
        services.AddSingleton(Store);
        services.AddSingleton<IImageUsage>(usage);
        services.AddSingleton<IVolumeUsage>(usage);
        services.AddSingleton(sp => new ContainerRuntime(sp.GetRequiredService<DaemonConfigHolder>().Current, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ContainerLogs>();
        services.AddSingleton<ContainerEvents>();
        services.AddSingleton<ContainerService>();
        services.AddSingleton<ExecService>();
        services.AddSingleton<HealthMonitor>();
        services.AddSingleton<Archive.ContainerFilesystem>();
        services.AddSingleton<Archive.ContainerChanges>();
        services.AddSingleton<ContainerCommitter>();
    }
}
