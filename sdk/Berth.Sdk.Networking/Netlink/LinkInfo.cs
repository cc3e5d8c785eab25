using System.Net.NetworkInformation;

namespace Berth.Sdk.Networking.Netlink;

/// <summary>What the kernel says about one network interface (an RTM_NEWLINK reply).</summary>
/// <param name="Index">The interface index, unique within its network namespace.</param>
/// <param name="Name">The interface name, such as <c>eth0</c>.</param>
/// <param name="Mtu">The MTU in bytes.</param>
/// <param name="MacAddress">The link-layer address; null for links without one.</param>
/// <param name="Flags">The IFF_* flags (IFF_UP is 1).</param>
/// <param name="MasterIndex">The index of the bridge (or other master) the link is enslaved to, if any.</param>
/// <param name="Kind">The link type as in <c>ip link add … type KIND</c> (<c>bridge</c>, <c>veth</c>); null for physical and loopback links.</param>
public sealed record LinkInfo(int Index, string Name, int Mtu, PhysicalAddress? MacAddress, uint Flags, int? MasterIndex, string? Kind)
{
    /// <summary>True when the link is administratively up (IFF_UP).</summary>
    public bool IsUp => (Flags & LinkAttributes.FlagUp) != 0;
}
