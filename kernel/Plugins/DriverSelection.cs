using Berth.Kernel.Config;
using Berth.Sdk.Protocol;

namespace Berth.Kernel.Plugins;

/// <summary>Which installed plugin serves each driver the daemon config selects (Docker's names are aliases).</summary>
public sealed record DriverSelection(string StorageId, string LogId, string NetworkId, string ClusterId)
{
    /// <exception cref="ConfigException">A selected driver is not provided by any installed plugin.</exception>
    public static DriverSelection Resolve(PluginManager plugins, DaemonConfig config)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(config);
        return new DriverSelection(
            plugins.RequireDriver("storage-driver", Protocols.GraphDriver, config.StorageDriver).Plugin.Id,
            plugins.RequireDriver("log-driver", Protocols.LogDriver, config.LogDriver).Plugin.Id,
            plugins.RequireDriver("network-driver", Protocols.NetworkDriver, config.NetworkDriver).Plugin.Id,
            plugins.RequireDriver("cluster-backend", Protocols.Cluster, config.ClusterBackend).Plugin.Id);
    }
}
