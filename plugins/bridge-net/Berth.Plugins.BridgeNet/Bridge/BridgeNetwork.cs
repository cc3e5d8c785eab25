using System.Text.Json.Serialization;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>One network of the bridge driver, as it is kept on disk: its Linux bridge, addresses and options.</summary>
/// <param name="Id">The daemon's network id.</param>
/// <param name="BridgeName">The Linux bridge (<c>com.docker.network.bridge.name</c>, default <c>br-</c> + 12 id characters).</param>
/// <param name="Subnet">The IPv4 pool, <c>172.18.0.0/16</c>; null when the network has none.</param>
/// <param name="Gateway">The bridge's IPv4 address with the pool's prefix length, <c>172.18.0.1/16</c>; null when none.</param>
/// <param name="SubnetIPv6">The IPv6 pool when IPv6 is enabled.</param>
/// <param name="GatewayIPv6">The bridge's IPv6 address with prefix length when IPv6 is enabled.</param>
/// <param name="Mtu">The MTU of the bridge and of every veth pair on it.</param>
/// <param name="EnableIcc">Whether containers on the bridge may talk to each other.</param>
/// <param name="EnableMasquerade">Whether traffic leaving the host from the subnet is masqueraded.</param>
/// <param name="Internal">An internal network: no traffic in from or out to other interfaces, no gateway for containers.</param>
/// <param name="EnableIPv6">Whether the network has IPv6.</param>
/// <param name="DefaultBridge">The daemon's predefined <c>bridge</c> network.</param>
/// <param name="HostBindingIPv4">The default host address for published ports (<c>0.0.0.0</c> when null).</param>
/// <param name="ContainerInterfacePrefix">The prefix of the interface name in the container (<c>eth</c>).</param>
/// <param name="CreatedBridge">True when the driver created the bridge (and so deletes it with the network); false when it adopted one.</param>
internal sealed record BridgeNetwork(
    string Id,
    string BridgeName,
    string? Subnet,
    string? Gateway,
    string? SubnetIPv6,
    string? GatewayIPv6,
    int Mtu,
    bool EnableIcc,
    bool EnableMasquerade,
    bool Internal,
    bool EnableIPv6,
    bool DefaultBridge,
    string? HostBindingIPv4,
    string ContainerInterfacePrefix,
    bool CreatedBridge)
{
    /// <summary>The gateway address without its prefix length, as Join returns it.</summary>
    [JsonIgnore]
    public string? GatewayAddress => Gateway is null ? null : Cidr.Parse(Gateway).Address.ToString();

    /// <summary>The IPv6 gateway address without its prefix length.</summary>
    [JsonIgnore]
    public string? GatewayAddressIPv6 => GatewayIPv6 is null ? null : Cidr.Parse(GatewayIPv6).Address.ToString();

    /// <summary>True when <paramref name="other"/> asks for the same network, whoever made the bridge.</summary>
    public bool SameSettings(BridgeNetwork other) => this with { CreatedBridge = false } == other with { CreatedBridge = false };
}
