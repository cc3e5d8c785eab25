namespace Berth.Sdk.Networking.Netlink;

/// <summary>Route attribute numbers and rtmsg field values (linux/rtnetlink.h).</summary>
internal static class RouteAttributes
{
    public const ushort Destination = 1;    // RTA_DST
    public const ushort OutputInterface = 4; // RTA_OIF
    public const ushort Gateway = 5;        // RTA_GATEWAY
    public const ushort Table = 15;         // RTA_TABLE

    public const byte TableMain = 254;      // RT_TABLE_MAIN
    public const byte ProtocolBoot = 3;     // RTPROT_BOOT
    public const byte ScopeUniverse = 0;    // RT_SCOPE_UNIVERSE
    public const byte ScopeLink = 253;      // RT_SCOPE_LINK
    public const byte ScopeNowhere = 255;   // RT_SCOPE_NOWHERE
    public const byte TypeUnicast = 1;      // RTN_UNICAST
}
