using System.Net;
using System.Net.Sockets;
using static Berth.Sdk.Networking.Netlink.NetlinkProtocol;

namespace Berth.Sdk.Networking.Netlink;

/// <summary>Encodes route requests for the main table (RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE) and decodes their replies.</summary>
internal static class RouteMessages
{
    /// <summary>
    /// <c>ip route add DESTINATION/PREFIX [via GATEWAY] [dev INDEX] proto boot</c> in the main table: scope universe
    /// with a gateway, scope link without one. A null destination is the default route.
    /// </summary>
    public static NetlinkMessageBuilder Add(IPAddress? destination, int prefixLength, IPAddress? gateway, int? outputIndex)
    {
        var family = Validate(destination, prefixLength, gateway, outputIndex);
        var scope = gateway is null ? RouteAttributes.ScopeLink : RouteAttributes.ScopeUniverse;
        var header = new RtMessage(family, (byte)prefixLength, 0, 0, RouteAttributes.TableMain, RouteAttributes.ProtocolBoot, scope,
            RouteAttributes.TypeUnicast, 0);
        return Attributes(new NetlinkMessageBuilder(RtnetlinkTypes.NewRoute, Request | Ack | Create | Exclusive).Add(header),
            destination, gateway, outputIndex);
    }

    /// <summary><c>ip route del …</c> in the main table: scope "nowhere", protocol and type 0 match any route with these fields.</summary>
    public static NetlinkMessageBuilder Delete(IPAddress? destination, int prefixLength, IPAddress? gateway, int? outputIndex)
    {
        var family = Validate(destination, prefixLength, gateway, outputIndex);
        var header = new RtMessage(family, (byte)prefixLength, 0, 0, RouteAttributes.TableMain, 0, RouteAttributes.ScopeNowhere, 0, 0);
        return Attributes(new NetlinkMessageBuilder(RtnetlinkTypes.DelRoute, Request | Ack).Add(header), destination, gateway, outputIndex);
    }

    public static NetlinkMessageBuilder Dump(byte family) =>
        new NetlinkMessageBuilder(RtnetlinkTypes.GetRoute, Request | NetlinkProtocol.Dump).Add(new RtMessage { Family = family });

    /// <summary>The route an RTM_NEWROUTE reply describes, or null when it is not in the main table.</summary>
    public static RouteInfo? Parse(NetlinkMessage message)
    {
        var header = RtMessage.Read(message.Payload.Span);
        var attributes = NetlinkAttribute.ParseAll(message.Payload[Align(RtMessage.Size)..]);
        var table = NetlinkAttribute.Find(attributes, RouteAttributes.Table)?.ReadUInt32() ?? header.Table;
        if (table != RouteAttributes.TableMain) return null;
        var destination = NetlinkAttribute.Find(attributes, RouteAttributes.Destination)?.ReadAddress()
            ?? (header.Family == AddressAttributes.FamilyInet6 ? IPAddress.IPv6Any : IPAddress.Any);
        var gateway = NetlinkAttribute.Find(attributes, RouteAttributes.Gateway)?.ReadAddress();
        var outputIndex = NetlinkAttribute.Find(attributes, RouteAttributes.OutputInterface)?.ReadUInt32() is { } oif ? (int?)oif : null;
        return new RouteInfo(destination, header.DestinationLength, gateway, outputIndex);
    }

    /// <summary><c>10.0.0.0/24 via 10.0.0.1 dev 3</c> or <c>default via 10.0.0.1</c>, for messages.</summary>
    public static string Describe(IPAddress? destination, int prefixLength, IPAddress? gateway, int? outputIndex)
    {
        var text = destination is null ? "default" : $"{destination}/{prefixLength}";
        if (gateway is not null) text += $" via {gateway}";
        if (outputIndex is { } index) text += $" dev {index}";
        return text;
    }

    private static NetlinkMessageBuilder Attributes(NetlinkMessageBuilder message, IPAddress? destination, IPAddress? gateway, int? outputIndex)
    {
        if (destination is not null) message.AddAddress(RouteAttributes.Destination, destination);
        if (gateway is not null) message.AddAddress(RouteAttributes.Gateway, gateway);
        if (outputIndex is { } index) message.AddUInt32(RouteAttributes.OutputInterface, (uint)index);
        return message.AddUInt32(RouteAttributes.Table, RouteAttributes.TableMain);
    }

    /// <summary>Checks the route's parts agree and returns its address family (IPv4 when neither address tells).</summary>
    private static byte Validate(IPAddress? destination, int prefixLength, IPAddress? gateway, int? outputIndex)
    {
        if (gateway is null && outputIndex is null)
            throw new ArgumentException("a route needs a gateway, an output interface or both", nameof(gateway));
        if (destination is null && prefixLength != 0)
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, "the default route (no destination) has prefix length 0");
        if (destination is not null && gateway is not null && destination.AddressFamily != gateway.AddressFamily)
            throw new ArgumentException($"destination {destination} and gateway {gateway} are of different address families", nameof(gateway));
        var family = destination is not null ? AddressMessages.Family(destination, nameof(destination))
            : gateway is not null ? AddressMessages.Family(gateway, nameof(gateway))
            : AddressAttributes.FamilyInet;
        if (destination is not null)
        {
            AddressMessages.ValidatePrefix(destination, prefixLength, nameof(prefixLength));
            if (!HostBitsClear(destination, prefixLength))
                throw new ArgumentException($"{destination}/{prefixLength} has host bits set; a route's destination is a network address", nameof(destination));
        }
        return family;
    }

    private static bool HostBitsClear(IPAddress network, int prefixLength)
    {
        var bytes = network.GetAddressBytes();
        for (var bit = prefixLength; bit < bytes.Length * 8; bit++)
        {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0) return false;
        }
        return true;
    }

    /// <summary>AF_INET or AF_INET6 for a dump of <paramref name="family"/>.</summary>
    public static byte DumpFamily(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => AddressAttributes.FamilyInet,
        AddressFamily.InterNetworkV6 => AddressAttributes.FamilyInet6,
        _ => throw new ArgumentException($"routes are listed for InterNetwork or InterNetworkV6, not {family}", nameof(family)),
    };
}
