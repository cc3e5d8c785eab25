using System.Net;
using System.Net.Sockets;
using static Berth.Sdk.Networking.Netlink.NetlinkProtocol;

namespace Berth.Sdk.Networking.Netlink;

/// <summary>Encodes the address requests (RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR) and decodes RTM_NEWADDR replies.</summary>
internal static class AddressMessages
{
    /// <summary>
    /// <c>ip addr add ADDRESS/PREFIX [broadcast +] dev INDEX</c>: IFA_LOCAL and IFA_ADDRESS both carry the address,
    /// and an IPv4 address with room for one gets its subnet's broadcast address.
    /// </summary>
    public static NetlinkMessageBuilder Add(int index, IPAddress address, int prefixLength) =>
        Build(RtnetlinkTypes.NewAddress, Request | Ack | Create | Exclusive, index, address, prefixLength);

    public static NetlinkMessageBuilder Delete(int index, IPAddress address, int prefixLength) =>
        Build(RtnetlinkTypes.DelAddress, Request | Ack, index, address, prefixLength);

    public static NetlinkMessageBuilder Dump() =>
        new NetlinkMessageBuilder(RtnetlinkTypes.GetAddress, Request | NetlinkProtocol.Dump).Add(new IfAddrMessage());

    /// <summary>The interface index and address an RTM_NEWADDR reply describes (IFA_LOCAL, else IFA_ADDRESS).</summary>
    public static (int Index, InterfaceAddress? Address) Parse(NetlinkMessage message)
    {
        var header = IfAddrMessage.Read(message.Payload.Span);
        var attributes = NetlinkAttribute.ParseAll(message.Payload[Align(IfAddrMessage.Size)..]);
        var value = NetlinkAttribute.Find(attributes, AddressAttributes.Local) ?? NetlinkAttribute.Find(attributes, AddressAttributes.Address);
        return (header.Index, value is { } v ? new InterfaceAddress(v.ReadAddress(), header.PrefixLength) : null);
    }

    /// <summary>The directed broadcast address of an IPv4 subnet; null for IPv6 and for /31 and /32, which have none.</summary>
    public static IPAddress? Broadcast(IPAddress address, int prefixLength)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork || prefixLength > 30) return null;
        var bytes = address.GetAddressBytes();
        for (var bit = prefixLength; bit < 32; bit++) bytes[bit / 8] |= (byte)(0x80 >> (bit % 8));
        return new IPAddress(bytes);
    }

    /// <summary>AF_INET or AF_INET6 for <paramref name="address"/>; anything else is refused.</summary>
    public static byte Family(IPAddress address, string parameterName) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => AddressAttributes.FamilyInet,
        AddressFamily.InterNetworkV6 => AddressAttributes.FamilyInet6,
        _ => throw new ArgumentException($"{address} is neither an IPv4 nor an IPv6 address", parameterName),
    };

    /// <summary>Refuses a prefix length outside 0..32 (IPv4) or 0..128 (IPv6).</summary>
    public static void ValidatePrefix(IPAddress address, int prefixLength, string parameterName)
    {
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefixLength < 0 || prefixLength > bits)
            throw new ArgumentOutOfRangeException(parameterName, prefixLength, $"a prefix length for {address} is 0 to {bits}");
    }

    private static NetlinkMessageBuilder Build(ushort type, ushort flags, int index, IPAddress address, int prefixLength)
    {
        var family = Family(address, nameof(address));
        ValidatePrefix(address, prefixLength, nameof(prefixLength));
        var message = new NetlinkMessageBuilder(type, flags)
            .Add(new IfAddrMessage(family, (byte)prefixLength, 0, RouteAttributes.ScopeUniverse, index))
            .AddAddress(AddressAttributes.Local, address)
            .AddAddress(AddressAttributes.Address, address);
        if (type == RtnetlinkTypes.NewAddress && Broadcast(address, prefixLength) is { } broadcast)
            message.AddAddress(AddressAttributes.Broadcast, broadcast);
        return message;
    }
}
