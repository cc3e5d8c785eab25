using Berth.Kernel.Plugins;
using Berth.Sdk;
using Berth.Sdk.Ipam;
using Berth.Sdk.Network;
using Berth.Sdk.Protocol;

namespace Berth.Kernel.Networks;

/// <summary>The network and IPAM drivers by name: a seam so the network service is tested without plugin processes.</summary>
public interface INetworkDrivers
{
    INetworkDriver Network(string driver);

    IIpamDriver Ipam(string driver);

    /// <summary>The id of the plugin serving <paramref name="driver"/> of <paramref name="kind"/>; 404 when none does.</summary>
    string PluginIdOf(ProtocolId kind, string driver);
}

/// <summary>Finds the plugin serving a network or IPAM driver name (a Berth plugin, else a Docker v1 plugin) and hands out its client.</summary>
public sealed class NetworkDrivers(PluginManager plugins) : INetworkDrivers
{
    public INetworkDriver Network(string driver) =>
        plugins.Client<INetworkDriver>(PluginIdOf(Protocols.NetworkDriver, driver));

    public IIpamDriver Ipam(string driver) =>
        plugins.Client<IIpamDriver>(PluginIdOf(Protocols.Ipam, driver));

    public string PluginIdOf(ProtocolId kind, string driver) =>
        plugins.FindDriverId(kind, driver) ?? throw BerthException.NotFound($"plugin \"{driver}\" not found");

    /// <summary>Raised with a plugin id when that plugin (re)started and serves again.</summary>
    public event Action<string>? PluginServing
    {
        add => plugins.PluginServing += value;
        remove => plugins.PluginServing -= value;
    }
}
