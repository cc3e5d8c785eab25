using Berth.Kernel.Config;
using Berth.Sdk.Protocol;

namespace Berth.Kernel.Plugins;

/// <summary>
/// Which installed plugin serves each driver the daemon config selects (Docker's names are aliases). The log driver may
/// also be a Docker v1 plugin (<see cref="PluginManager.FindDriverId"/>) whose socket or spec file exists at start.
/// </summary>
/// <param name="StorageContract">The contract the kernel speaks to the storage plugin: Docker's graph-driver names select
/// <see cref="Protocols.GraphDriver"/> (through an adapter), any other name the snapshotter when the plugin has one.</param>
public sealed record DriverSelection(string StorageId, ProtocolId StorageContract, string LogId, string NetworkId, string ClusterId)
{
    /// <summary>Docker's graph driver names; a plugin answering to one of them is driven as a graph driver.</summary>
    private static readonly HashSet<string> GraphDriverNames = ["overlay2", "overlay", "fuse-overlayfs", "btrfs", "zfs", "vfs", "aufs", "devicemapper"];

    /// <exception cref="ConfigException">A selected driver is not provided by any installed plugin.</exception>
    public static DriverSelection Resolve(PluginManager plugins, DaemonConfig config)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(config);
        var (storage, contract) = ResolveStorage(plugins, config.StorageDriver);
        return new DriverSelection(
            storage, contract,
            plugins.FindDriverId(Protocols.LogDriver, config.LogDriver) ?? plugins.RequireDriver("log-driver", Protocols.LogDriver, config.LogDriver).Plugin.Id,
            plugins.RequireDriver("network-driver", Protocols.NetworkDriver, config.NetworkDriver).Plugin.Id,
            plugins.RequireDriver("cluster-backend", Protocols.Cluster, config.ClusterBackend).Plugin.Id);
    }

    private static (string Id, ProtocolId Contract) ResolveStorage(PluginManager plugins, string name)
    {
        var snapshotter = plugins.FindDriver(Protocols.Snapshotter, name);
        var graphDriver = plugins.FindDriver(Protocols.GraphDriver, name);
        if (graphDriver is not null && (snapshotter is null || GraphDriverNames.Contains(name))) return (graphDriver.Plugin.Id, Protocols.GraphDriver);
        if (snapshotter is not null) return (snapshotter.Plugin.Id, Protocols.Snapshotter);
        return (plugins.RequireDriver("storage-driver", Protocols.GraphDriver, name).Plugin.Id, Protocols.GraphDriver);
    }
}
