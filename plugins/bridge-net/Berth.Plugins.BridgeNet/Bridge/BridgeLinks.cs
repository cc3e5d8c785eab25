using Berth.Sdk;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>A network's Linux bridge through rtnetlink: made (or adopted) with its MTU, gateway address and up; deleted.</summary>
internal static class BridgeLinks
{
    public const string BridgeKind = "bridge";

    /// <summary>
    /// Creates the bridge, or adopts the existing one of that name, sets its MTU, adds the gateway addresses it lacks
    /// and brings it up. A bridge created here is deleted again when a later step fails.
    /// </summary>
    /// <returns>True when this call created the bridge.</returns>
    /// <exception cref="BerthException">Conflict when a link of that name exists and is not a bridge.</exception>
    public static bool Ensure(RtNetlink netlink, BridgeNetwork network)
    {
        var link = netlink.GetLink(network.BridgeName);
        if (link is not null && link.Kind != BridgeKind)
            throw BerthException.Conflict($"bridge: cannot use {network.BridgeName} as the bridge of network {network.Id}: an interface of that name exists and is not a bridge ({link.Kind ?? "a device"})");
        var created = link is null;
        var index = link?.Index ?? netlink.CreateBridge(network.BridgeName, network.Mtu);
        try
        {
            if (link is not null && link.Mtu != network.Mtu) netlink.SetMtu(index, network.Mtu);
            if (network.Gateway is { } gateway) EnsureAddress(netlink, index, Cidr.Parse(gateway));
            if (network.EnableIPv6 && network.GatewayIPv6 is { } gatewayV6) EnsureAddress(netlink, index, Cidr.Parse(gatewayV6));
            netlink.SetUp(index);
        }
        catch when (created)
        {
            TryDelete(netlink, index);
            throw;
        }
        return created;
    }

    /// <summary>Deletes the bridge called <paramref name="name"/> if there is one (with it go its ports' masters, not the ports).</summary>
    public static void DeleteIfPresent(RtNetlink netlink, string name)
    {
        if (netlink.GetLink(name) is { Kind: BridgeKind } link) netlink.DeleteLink(link.Index);
    }

    private static void EnsureAddress(RtNetlink netlink, int index, Cidr address)
    {
        var present = netlink.GetAddresses(index).Any(a => a.Address.Equals(address.Address) && a.PrefixLength == address.PrefixLength);
        if (!present) netlink.AddAddress(index, address.Address, address.PrefixLength);
    }

    private static void TryDelete(RtNetlink netlink, int index)
    {
        try
        {
            netlink.DeleteLink(index);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            // Best effort: the caller reports the first failure.
        }
    }
}
