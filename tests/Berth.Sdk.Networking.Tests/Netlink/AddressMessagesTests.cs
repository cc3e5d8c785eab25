using System.Net;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Sdk.Networking.Tests.Netlink;

public class AddressMessagesTests
{
    [Test]
    public void Add_Ipv4_CarriesLocalAddressAndTheSubnetBroadcast()
    {
        var request = AddressMessages.Add(5, IPAddress.Parse("10.1.2.3"), 24);
        var (header, attributes) = Decode(request);

        Assert.That(request.Flags, Is.EqualTo(NetlinkProtocol.Request | NetlinkProtocol.Ack | NetlinkProtocol.Create | NetlinkProtocol.Exclusive));
        Assert.That(header, Is.EqualTo(new IfAddrMessage(AddressAttributes.FamilyInet, 24, 0, 0, 5)));
        Assert.That(NetlinkAttribute.Find(attributes, AddressAttributes.Local)?.ReadAddress(), Is.EqualTo(IPAddress.Parse("10.1.2.3")));
        Assert.That(NetlinkAttribute.Find(attributes, AddressAttributes.Address)?.ReadAddress(), Is.EqualTo(IPAddress.Parse("10.1.2.3")));
        Assert.That(NetlinkAttribute.Find(attributes, AddressAttributes.Broadcast)?.ReadAddress(), Is.EqualTo(IPAddress.Parse("10.1.2.255")));
    }

    [Test]
    public void Add_Ipv6_UsesFamilyInet6WithoutBroadcast()
    {
        var (header, attributes) = Decode(AddressMessages.Add(2, IPAddress.Parse("fd00:1::5"), 64));

        Assert.That(header.Family, Is.EqualTo(AddressAttributes.FamilyInet6));
        Assert.That(header.PrefixLength, Is.EqualTo(64));
        Assert.That(NetlinkAttribute.Find(attributes, AddressAttributes.Local)?.ReadAddress(), Is.EqualTo(IPAddress.Parse("fd00:1::5")));
        Assert.That(NetlinkAttribute.Find(attributes, AddressAttributes.Broadcast), Is.Null);
    }

    [Test]
    public void Delete_Ipv4_SendsNoBroadcastAndDoesNotCreate()
    {
        var request = AddressMessages.Delete(5, IPAddress.Parse("10.1.2.3"), 24);

        Assert.That(request.Type, Is.EqualTo(RtnetlinkTypes.DelAddress));
        Assert.That(request.Flags, Is.EqualTo(NetlinkProtocol.Request | NetlinkProtocol.Ack));
        Assert.That(NetlinkAttribute.Find(Decode(request).Attributes, AddressAttributes.Broadcast), Is.Null);
    }

    [TestCase("10.1.2.3", 24, "10.1.2.255")]
    [TestCase("172.17.0.1", 16, "172.17.255.255")]
    [TestCase("10.0.0.1", 8, "10.255.255.255")]
    [TestCase("192.168.5.9", 30, "192.168.5.11")]
    [TestCase("192.168.5.9", 20, "192.168.15.255")]
    [TestCase("192.168.5.9", 0, "255.255.255.255")]
    public void Broadcast_Ipv4Subnet_SetsEveryHostBit(string address, int prefixLength, string expected) =>
        Assert.That(AddressMessages.Broadcast(IPAddress.Parse(address), prefixLength), Is.EqualTo(IPAddress.Parse(expected)));

    [TestCase("10.0.0.0", 31)]
    [TestCase("10.0.0.1", 32)]
    [TestCase("fd00::1", 64)]
    public void Broadcast_PointToPointHostOrIpv6_IsNull(string address, int prefixLength) =>
        Assert.That(AddressMessages.Broadcast(IPAddress.Parse(address), prefixLength), Is.Null);

    [TestCase("10.0.0.1", 33)]
    [TestCase("10.0.0.1", -1)]
    [TestCase("fd00::1", 129)]
    public void Add_PrefixLengthOutOfRange_Throws(string address, int prefixLength) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AddressMessages.Add(1, IPAddress.Parse(address), prefixLength));

    [Test]
    public void Parse_ReplyWithLocalAndPeerAddress_PrefersLocal()
    {
        var reply = new NetlinkMessageBuilder(RtnetlinkTypes.NewAddress, 0)
            .Add(new IfAddrMessage(AddressAttributes.FamilyInet, 32, 0, 0, 9))
            .AddAddress(AddressAttributes.Address, IPAddress.Parse("10.9.9.9"))
            .AddAddress(AddressAttributes.Local, IPAddress.Parse("10.0.0.1"));

        var (index, address) = AddressMessages.Parse(NetlinkMessage.ParseAll(reply.Build(1))[0]);

        Assert.That(index, Is.EqualTo(9));
        Assert.That(address, Is.EqualTo(new InterfaceAddress(IPAddress.Parse("10.0.0.1"), 32)));
        Assert.That(address!.ToString(), Is.EqualTo("10.0.0.1/32"));
    }

    private static (IfAddrMessage Header, List<NetlinkAttribute> Attributes) Decode(NetlinkMessageBuilder request)
    {
        var message = NetlinkMessage.ParseAll(request.Build(1)).Single();
        return (IfAddrMessage.Read(message.Payload.Span), NetlinkAttribute.ParseAll(message.Payload[IfAddrMessage.Size..]));
    }
}
