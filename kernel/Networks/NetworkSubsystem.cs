using Berth.Kernel.Config;
using Berth.Kernel.Events;
using Berth.Kernel.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Networks;

/// <summary>Loads the networks on disk and registers the network service; once plugins run, makes the predefined networks.</summary>
public sealed class NetworkSubsystem
{
    private readonly NetworkStore store;
    private readonly IReadOnlyList<NetworkRecord> loaded;

    private NetworkSubsystem(NetworkStore store, IReadOnlyList<NetworkRecord> loaded)
    {
        this.store = store;
        this.loaded = loaded;
    }

    public static async Task<NetworkSubsystem> LoadAsync(DaemonConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (store, loaded) = await NetworkStore.LoadAsync(Path.Combine(config.DataRoot, "network", "networks"), cancellationToken).ConfigureAwait(false);
        return new NetworkSubsystem(store, loaded);
    }

    public void Register(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(sp => new NetworkDrivers(sp.GetRequiredService<PluginManager>()));
        services.AddSingleton(sp =>
        {
            var service = new NetworkService(store, loaded, sp.GetRequiredService<NetworkDrivers>(), sp.GetRequiredService<EventsService>(), sp.GetRequiredService<TimeProvider>());
            service.AwaitPredefined();
            return service;
        });
    }

    /// <summary>After the plugins started: predefined networks, and every network re-announced to a network plugin that restarts.</summary>
    public static async Task ConnectAsync(IServiceProvider services, DaemonConfig config, CancellationToken cancellationToken)
    {
        var networks = services.GetRequiredService<NetworkService>();
        services.GetRequiredService<NetworkDrivers>().PluginServing += id => _ = networks.ReplayNetworksAsync(id, CancellationToken.None);
        await networks.EnsurePredefinedAsync(config, cancellationToken).ConfigureAwait(false);
    }
}
