using System.Net;
using System.Net.Sockets;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Sdk.Networking.Tests.Netlink;

public class RouteMessagesTests
{
    [Test]
    public void Add_WithGateway_IsAUniverseBootRouteInTheMainTable()
    {
        var request = RouteMessages.Add(IPAddress.Parse("10.20.0.0"), 16, IPAddress.Parse("10.0.0.1"), 3);
        var (header, attributes) = Decode(request);

        Assert.That(request.Flags, Is.EqualTo(NetlinkProtocol.Request | NetlinkProtocol.Ack | NetlinkProtocol.Create | NetlinkProtocol.Exclusive));
        Assert.That(header, Is.EqualTo(new RtMessage(AddressAttributes.FamilyInet, 16, 0, 0, RouteAttributes.TableMain,
            RouteAttributes.ProtocolBoot, RouteAttributes.ScopeUniverse, RouteAttributes.TypeUnicast, 0)));
        Assert.That(NetlinkAttribute.Find(attributes, RouteAttributes.Destination)?.ReadAddress(), Is.EqualTo(IPAddress.Parse("10.20.0.0")));
        Assert.That(NetlinkAttribute.Find(attributes, RouteAttributes.Gateway)?.ReadAddress(), Is.EqualTo(IPAddress.Parse("10.0.0.1")));
        Assert.That(NetlinkAttribute.Find(attributes, RouteAttributes.OutputInterface)?.ReadUInt32(), Is.EqualTo(3));
        Assert.That(NetlinkAttribute.Find(attributes, RouteAttributes.Table)?.ReadUInt32(), Is.EqualTo(254));
    }

    [Test]
    public void Add_WithoutGateway_IsALinkScopeRouteOnTheInterface()
    {
        var (header, attributes) = Decode(RouteMessages.Add(IPAddress.Parse("192.168.7.0"), 24, null, 4));

        Assert.That(header.Scope, Is.EqualTo(RouteAttributes.ScopeLink));
        Assert.That(NetlinkAttribute.Find(attributes, RouteAttributes.Gateway), Is.Null);
        Assert.That(NetlinkAttribute.Find(attributes, RouteAttributes.OutputInterface)?.ReadUInt32(), Is.EqualTo(4));
    }

    [Test]
    public void Add_DefaultRouteViaIpv6Gateway_HasNoDestinationAndTakesTheGatewaysFamily()
    {
        var (header, attributes) = Decode(RouteMessages.Add(null, 0, IPAddress.Parse("fd00::1"), null));

        Assert.That(header.Family, Is.EqualTo(AddressAttributes.FamilyInet6));
        Assert.That(header.DestinationLength, Is.Zero);
        Assert.That(NetlinkAttribute.Find(attributes, RouteAttributes.Destination), Is.Null);
        Assert.That(NetlinkAttribute.Find(attributes, RouteAttributes.OutputInterface), Is.Null);
    }

    [Test]
    public void Delete_Route_MatchesAnyScopeProtocolAndType()
    {
        var request = RouteMessages.Delete(IPAddress.Parse("10.20.0.0"), 16, null, 3);
        var (header, _) = Decode(request);

        Assert.That(request.Type, Is.EqualTo(RtnetlinkTypes.DelRoute));
        Assert.That((header.Scope, header.Protocol, header.Type, header.Table), Is.EqualTo(((byte)255, (byte)0, (byte)0, (byte)254)));
    }

    [Test]
    public void Add_NeitherGatewayNorInterface_Throws() =>
        Assert.Throws<ArgumentException>(() => RouteMessages.Add(IPAddress.Parse("10.0.0.0"), 8, null, null));

    [Test]
    public void Add_HostBitsInTheDestination_Throws() =>
        Assert.Throws<ArgumentException>(() => RouteMessages.Add(IPAddress.Parse("10.0.0.1"), 24, null, 1));

    [Test]
    public void Add_MixedFamilies_Throws() =>
        Assert.Throws<ArgumentException>(() => RouteMessages.Add(IPAddress.Parse("10.0.0.0"), 24, IPAddress.Parse("fd00::1"), null));

    [Test]
    public void Add_NoDestinationWithPrefix_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RouteMessages.Add(null, 8, IPAddress.Parse("10.0.0.1"), null));

    [Test]
    public void Parse_MainTableReplyWithTableAttribute_ReadsDestinationGatewayAndInterface()
    {
        var reply = Reply(RouteAttributes.TableMain)
            .AddAddress(RouteAttributes.Destination, IPAddress.Parse("10.20.0.0"))
            .AddAddress(RouteAttributes.Gateway, IPAddress.Parse("10.0.0.1"))
            .AddUInt32(RouteAttributes.OutputInterface, 3)
            .AddUInt32(RouteAttributes.Table, RouteAttributes.TableMain);

        var route = RouteMessages.Parse(NetlinkMessage.ParseAll(reply.Build(1))[0]);

        Assert.That(route, Is.EqualTo(new RouteInfo(IPAddress.Parse("10.20.0.0"), 16, IPAddress.Parse("10.0.0.1"), 3)));
        Assert.That(route!.ToString(), Is.EqualTo("10.20.0.0/16 via 10.0.0.1 dev 3"));
    }

    [Test]
    public void Parse_LocalTableReply_ReturnsNull()
    {
        var reply = Reply(255).AddUInt32(RouteAttributes.Table, 255);

        Assert.That(RouteMessages.Parse(NetlinkMessage.ParseAll(reply.Build(1))[0]), Is.Null);
    }

    [Test]
    public void Parse_TableAttributeOverridesTheHeaderByte_ReturnsNullForATableAbove255()
    {
        var reply = Reply(RouteAttributes.TableMain).AddUInt32(RouteAttributes.Table, 1000);

        Assert.That(RouteMessages.Parse(NetlinkMessage.ParseAll(reply.Build(1))[0]), Is.Null);
    }

    [Test]
    public void Parse_DefaultRoute_HasTheAnyAddressAndIsDefault()
    {
        var reply = new NetlinkMessageBuilder(RtnetlinkTypes.NewRoute, 0)
            .Add(new RtMessage { Family = AddressAttributes.FamilyInet, Table = RouteAttributes.TableMain })
            .AddAddress(RouteAttributes.Gateway, IPAddress.Parse("10.0.0.1"));

        var route = RouteMessages.Parse(NetlinkMessage.ParseAll(reply.Build(1))[0])!;

        Assert.That(route.Destination, Is.EqualTo(IPAddress.Any));
        Assert.That(route.IsDefault, Is.True);
        Assert.That(route.ToString(), Is.EqualTo("default via 10.0.0.1"));
    }

    [Test]
    public void DumpFamily_NotAnIpFamily_Throws() =>
        Assert.Throws<ArgumentException>(() => RouteMessages.DumpFamily(AddressFamily.Unix));

    private static NetlinkMessageBuilder Reply(byte table) =>
        new NetlinkMessageBuilder(RtnetlinkTypes.NewRoute, 0)
            .Add(new RtMessage(AddressAttributes.FamilyInet, 16, 0, 0, table, 3, 0, 1, 0));

    private static (RtMessage Header, List<NetlinkAttribute> Attributes) Decode(NetlinkMessageBuilder request)
    {
        var message = NetlinkMessage.ParseAll(request.Build(1)).Single();
        return (RtMessage.Read(message.Payload.Span), NetlinkAttribute.ParseAll(message.Payload[RtMessage.Size..]));
    }
}
