namespace Berth.Sdk.Networking.Netlink;

/// <summary>Interface address attribute numbers (linux/if_addr.h) and the address families rtnetlink uses.</summary>
internal static class AddressAttributes
{
    public const ushort Address = 1;        // IFA_ADDRESS
    public const ushort Local = 2;          // IFA_LOCAL
    public const ushort Broadcast = 4;      // IFA_BROADCAST

    public const byte FamilyUnspecified = 0;    // AF_UNSPEC
    public const byte FamilyInet = 2;           // AF_INET
    public const byte FamilyInet6 = 10;         // AF_INET6
}
