namespace Berth.Sdk.Networking.Netlink;

/// <summary>Link attribute and flag numbers (linux/if_link.h, linux/if.h, linux/veth.h).</summary>
internal static class LinkAttributes
{
    public const ushort Address = 1;        // IFLA_ADDRESS
    public const ushort Name = 3;           // IFLA_IFNAME
    public const ushort Mtu = 4;            // IFLA_MTU
    public const ushort Link = 5;           // IFLA_LINK
    public const ushort Master = 10;        // IFLA_MASTER
    public const ushort LinkInfo = 18;      // IFLA_LINKINFO
    public const ushort NetNsFd = 28;       // IFLA_NET_NS_FD

    public const ushort InfoKind = 1;       // IFLA_INFO_KIND
    public const ushort InfoData = 2;       // IFLA_INFO_DATA

    public const ushort VethPeer = 1;       // VETH_INFO_PEER

    public const uint FlagUp = 0x1;         // IFF_UP

    /// <summary>IFNAMSIZ less the terminating NUL.</summary>
    public const int MaxNameBytes = 15;
}
