namespace Berth.Sdk.Networking.Netlink;

/// <summary>
/// The netlink framing (linux/netlink.h): struct nlmsghdr (16 bytes: u32 length, u16 type, u16 flags, u32 sequence,
/// u32 port id), struct nlattr (4 bytes: u16 length, u16 type), both aligned to 4 bytes, in host byte order.
/// </summary>
internal static class NetlinkProtocol
{
    public const int HeaderLength = 16;
    public const int AttributeHeaderLength = 4;
    public const int Alignment = 4;

    public const int AddressFamilyNetlink = 16;
    public const int NetlinkRoute = 0;

    // Control message types.
    public const ushort Noop = 1;
    public const ushort Error = 2;
    public const ushort Done = 3;
    public const ushort Overrun = 4;

    // Request flags.
    public const ushort Request = 0x1;
    public const ushort Multi = 0x2;
    public const ushort Ack = 0x4;
    public const ushort Root = 0x100;
    public const ushort Match = 0x200;
    public const ushort Dump = Root | Match;
    public const ushort Replace = 0x100;
    public const ushort Exclusive = 0x200;
    public const ushort Create = 0x400;

    // Flags on an NLMSG_ERROR reply.
    public const ushort Capped = 0x100;
    public const ushort AckTlvs = 0x200;

    // Attributes of an extended ack (enum nlmsgerr_attrs).
    public const ushort ErrorAttributeMessage = 1;

    // Attribute type bits that are not part of the type (NLA_F_NESTED, NLA_F_NET_BYTEORDER).
    public const ushort AttributeTypeMask = 0x3fff;

    /// <summary>Rounds <paramref name="length"/> up to the 4-byte netlink alignment (NLMSG_ALIGN, NLA_ALIGN).</summary>
    public static int Align(int length) => (length + Alignment - 1) & ~(Alignment - 1);
}
