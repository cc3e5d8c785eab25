using System.Net.NetworkInformation;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Sdk.Networking.Tests.Netlink;

public class LinkMessagesTests
{
    [Test]
    public void CreateBridge_NameAndMtu_CreatesExclusivelyWithKindBridge()
    {
        var request = LinkMessages.CreateBridge("br-x", 1400);
        var (header, attributes) = Decode(request);

        Assert.That(request.Type, Is.EqualTo(RtnetlinkTypes.NewLink));
        Assert.That(request.Flags, Is.EqualTo(NetlinkProtocol.Request | NetlinkProtocol.Ack | NetlinkProtocol.Create | NetlinkProtocol.Exclusive));
        Assert.That(header, Is.EqualTo(new IfInfoMessage()));
        Assert.That(NetlinkAttribute.Find(attributes, LinkAttributes.Name)?.ReadString(), Is.EqualTo("br-x"));
        Assert.That(NetlinkAttribute.Find(attributes, LinkAttributes.Mtu)?.ReadUInt32(), Is.EqualTo(1400));
        var linkInfo = NetlinkAttribute.Find(attributes, LinkAttributes.LinkInfo)!.Value.ReadNested();
        Assert.That(NetlinkAttribute.Find(linkInfo, LinkAttributes.InfoKind)?.ReadString(), Is.EqualTo("bridge"));
    }

    [Test]
    public void CreateBridge_NoMtu_SendsNoMtuAttribute()
    {
        var (_, attributes) = Decode(LinkMessages.CreateBridge("br0", null));

        Assert.That(NetlinkAttribute.Find(attributes, LinkAttributes.Mtu), Is.Null);
    }

    [Test]
    public void CreateVethPair_Peer_NestsAnIfInfoMessageThenThePeersAttributes()
    {
        var (_, attributes) = Decode(LinkMessages.CreateVethPair("veth-a", "veth-b", 1450, 3));

        Assert.That(NetlinkAttribute.Find(attributes, LinkAttributes.Name)?.ReadString(), Is.EqualTo("veth-a"));
        Assert.That(NetlinkAttribute.Find(attributes, LinkAttributes.Master)?.ReadUInt32(), Is.EqualTo(3));
        var linkInfo = NetlinkAttribute.Find(attributes, LinkAttributes.LinkInfo)!.Value.ReadNested();
        Assert.That(NetlinkAttribute.Find(linkInfo, LinkAttributes.InfoKind)?.ReadString(), Is.EqualTo("veth"));
        var infoData = NetlinkAttribute.Find(linkInfo, LinkAttributes.InfoData)!.Value.ReadNested();
        var peer = NetlinkAttribute.Find(infoData, LinkAttributes.VethPeer)!.Value.Value;
        Assert.That(IfInfoMessage.Read(peer.Span), Is.EqualTo(new IfInfoMessage()));
        var peerAttributes = NetlinkAttribute.ParseAll(peer[IfInfoMessage.Size..]);
        Assert.That(NetlinkAttribute.Find(peerAttributes, LinkAttributes.Name)?.ReadString(), Is.EqualTo("veth-b"));
        Assert.That(NetlinkAttribute.Find(peerAttributes, LinkAttributes.Mtu)?.ReadUInt32(), Is.EqualTo(1450));
        Assert.That(NetlinkAttribute.Find(peerAttributes, LinkAttributes.Master), Is.Null, "only the first end is enslaved");
    }

    [Test]
    public void ChangeFlags_Up_SetsTheFlagAndTheChangeMaskOnTheIndex()
    {
        var request = LinkMessages.ChangeFlags(7, LinkAttributes.FlagUp, LinkAttributes.FlagUp);

        Assert.That(Decode(request).Header, Is.EqualTo(new IfInfoMessage(0, 0, 7, 1, 1)));
        Assert.That(request.Flags & NetlinkProtocol.Create, Is.Zero, "changes an existing link");
    }

    [Test]
    public void Get_ByName_SendsIndexZeroAndTheName()
    {
        var (header, attributes) = Decode(LinkMessages.Get("eth0"));

        Assert.That(header.Index, Is.Zero);
        Assert.That(NetlinkAttribute.Find(attributes, LinkAttributes.Name)?.ReadString(), Is.EqualTo("eth0"));
    }

    [Test]
    public void Parse_NewLinkReply_ReadsIndexNameMtuMacFlagsMasterAndKind()
    {
        var reply = new NetlinkMessageBuilder(RtnetlinkTypes.NewLink, 0).Add(new IfInfoMessage(0, 1, 12, 0x1003, 0))
            .AddString(LinkAttributes.Name, "veth-a")
            .AddUInt32(LinkAttributes.Mtu, 1450)
            .AddAttribute(LinkAttributes.Address, new byte[] { 2, 0x42, 0xac, 0x11, 0, 2 })
            .AddUInt32(LinkAttributes.Master, 4);
        var linkInfo = reply.BeginNested(LinkAttributes.LinkInfo);
        reply.AddString(LinkAttributes.InfoKind, "veth");
        reply.EndNested(linkInfo);

        var link = LinkMessages.Parse(NetlinkMessage.ParseAll(reply.Build(1))[0]);

        Assert.That(link, Is.EqualTo(new LinkInfo(12, "veth-a", 1450, PhysicalAddress.Parse("02-42-AC-11-00-02"), 0x1003, 4, "veth")));
        Assert.That(link.IsUp, Is.True);
    }

    [Test]
    public void Parse_ReplyWithoutMasterOrKind_LeavesThemNull()
    {
        var reply = new NetlinkMessageBuilder(RtnetlinkTypes.NewLink, 0).Add(new IfInfoMessage(0, 772, 1, 0, 0))
            .AddString(LinkAttributes.Name, "lo").AddUInt32(LinkAttributes.Mtu, 65536);

        var link = LinkMessages.Parse(NetlinkMessage.ParseAll(reply.Build(1))[0]);

        Assert.That((link.MasterIndex, link.Kind, link.MacAddress, link.IsUp), Is.EqualTo(((int?)null, (string?)null, (PhysicalAddress?)null, false)));
    }

    [TestCase("")]
    [TestCase("sixteen-chars-xx")]
    [TestCase("bad/name")]
    [TestCase("with space")]
    [TestCase("colon:0")]
    [TestCase(".")]
    [TestCase("..")]
    public void ValidateName_InvalidName_ThrowsArgumentException(string name) =>
        Assert.That(() => LinkMessages.ValidateName(name, "name"), Throws.InstanceOf<ArgumentException>());

    [TestCase("eth0")]
    [TestCase("fifteen-chars-x")]
    [TestCase("br-0123456789ab")]
    public void ValidateName_ValidName_Passes(string name) => Assert.DoesNotThrow(() => LinkMessages.ValidateName(name, "name"));

    private static (IfInfoMessage Header, List<NetlinkAttribute> Attributes) Decode(NetlinkMessageBuilder request)
    {
        var message = NetlinkMessage.ParseAll(request.Build(1)).Single();
        return (IfInfoMessage.Read(message.Payload.Span), NetlinkAttribute.ParseAll(message.Payload[IfInfoMessage.Size..]));
    }
}
