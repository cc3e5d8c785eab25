namespace Berth.Sdk.Networking.Netlink;

/// <summary>The rtnetlink message types (linux/rtnetlink.h) and their names for error messages.</summary>
internal static class RtnetlinkTypes
{
    public const ushort NewLink = 16;
    public const ushort DelLink = 17;
    public const ushort GetLink = 18;
    public const ushort SetLink = 19;
    public const ushort NewAddress = 20;
    public const ushort DelAddress = 21;
    public const ushort GetAddress = 22;
    public const ushort NewRoute = 24;
    public const ushort DelRoute = 25;
    public const ushort GetRoute = 26;

    /// <summary><c>RTM_NEWLINK</c> for 16, and so on; <c>type N</c> for others.</summary>
    public static string Name(ushort type) => type switch
    {
        NewLink => "RTM_NEWLINK",
        DelLink => "RTM_DELLINK",
        GetLink => "RTM_GETLINK",
        SetLink => "RTM_SETLINK",
        NewAddress => "RTM_NEWADDR",
        DelAddress => "RTM_DELADDR",
        GetAddress => "RTM_GETADDR",
        NewRoute => "RTM_NEWROUTE",
        DelRoute => "RTM_DELROUTE",
        GetRoute => "RTM_GETROUTE",
        _ => $"type {type}",
    };
}
