using System.Buffers.Binary;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Sdk.Networking.Tests.Netlink;

public class NetlinkMessageBuilderTests
{
    [Test]
    public void Build_NoAttributes_HeaderHoldsLengthTypeFlagsSequenceAndPort()
    {
        var bytes = new NetlinkMessageBuilder(RtnetlinkTypes.GetLink, NetlinkProtocol.Request | NetlinkProtocol.Ack).Build(7, 42);

        Assert.That(bytes, Has.Length.EqualTo(16));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes), Is.EqualTo(16));
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)), Is.EqualTo(18));
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6)), Is.EqualTo(5));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)), Is.EqualTo(7));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)), Is.EqualTo(42));
    }

    [Test]
    public void AddString_FourCharacters_LengthCountsTheNulAndThePaddingFollows()
    {
        var bytes = new NetlinkMessageBuilder(RtnetlinkTypes.NewLink, 0).AddString(LinkAttributes.Name, "br-x").Build(1);

        Assert.That(bytes, Has.Length.EqualTo(16 + 12));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes), Is.EqualTo(28));
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(16)), Is.EqualTo(4 + 5), "nla_len: header, text and NUL");
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(18)), Is.EqualTo(LinkAttributes.Name));
        Assert.That(bytes.AsSpan(20, 5).ToArray(), Is.EqualTo("br-x\0"u8.ToArray()));
        Assert.That(bytes.AsSpan(25, 3).ToArray(), Is.All.EqualTo(0), "padding");
    }

    [Test]
    public void AddUInt32_Value_IsLittleEndianAfterTheAttributeHeader()
    {
        var bytes = new NetlinkMessageBuilder(RtnetlinkTypes.NewLink, 0).AddUInt32(LinkAttributes.Mtu, 0x01020304).Build(1);

        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(16)), Is.EqualTo(8));
        Assert.That(bytes.AsSpan(20, 4).ToArray(), Is.EqualTo(new byte[] { 4, 3, 2, 1 }));
    }

    [TestCase(1, 8)]
    [TestCase(3, 8)]
    [TestCase(4, 8)]
    [TestCase(5, 12)]
    [TestCase(0, 4)]
    public void AddAttribute_ValueOfLength_NextAttributeStartsOnAFourByteBoundary(int valueLength, int alignedSize)
    {
        var message = new NetlinkMessageBuilder(RtnetlinkTypes.NewLink, 0).AddAttribute(1, new byte[valueLength]);
        Assert.That(message.Length, Is.EqualTo(16 + alignedSize));

        var bytes = message.AddUInt32(2, 9).Build(1);

        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(16)), Is.EqualTo(4 + valueLength));
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(16 + alignedSize + 2)), Is.EqualTo(2));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16 + alignedSize + 4)), Is.EqualTo(9));
    }

    [Test]
    public void EndNested_WithChildren_LengthCoversTheHeaderAndThePaddedChildren()
    {
        var message = new NetlinkMessageBuilder(RtnetlinkTypes.NewLink, 0);
        var outer = message.BeginNested(LinkAttributes.LinkInfo);
        message.AddString(LinkAttributes.InfoKind, "veth");                 // 4 + 5 -> 12
        var inner = message.BeginNested(LinkAttributes.InfoData);
        message.AddUInt32(LinkAttributes.VethPeer, 1);                      // 8
        message.EndNested(inner);
        message.EndNested(outer);
        var bytes = message.Build(1);

        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(16)), Is.EqualTo(4 + 12 + 4 + 8));
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(18)), Is.EqualTo(LinkAttributes.LinkInfo), "no NLA_F_NESTED bit");
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(16 + 4 + 12)), Is.EqualTo(4 + 8));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes), Is.EqualTo(16 + 28));
    }

    [Test]
    public void Add_FamilyHeaders_TakeTheirStructSizesBeforeTheAttributes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new NetlinkMessageBuilder(1, 0).Add(new IfInfoMessage()).Length, Is.EqualTo(16 + 16));
            Assert.That(new NetlinkMessageBuilder(1, 0).Add(new IfAddrMessage()).Length, Is.EqualTo(16 + 8));
            Assert.That(new NetlinkMessageBuilder(1, 0).Add(new RtMessage()).Length, Is.EqualTo(16 + 12));
        });
    }

    [Test]
    public void AddAttribute_ManyAttributes_GrowsTheBufferAndKeepsEarlierBytes()
    {
        var message = new NetlinkMessageBuilder(1, 0);
        for (uint i = 0; i < 200; i++) message.AddUInt32(1, i);
        var bytes = message.Build(1);

        Assert.That(bytes, Has.Length.EqualTo(16 + 200 * 8));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16 + 4)), Is.EqualTo(0));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16 + 199 * 8 + 4)), Is.EqualTo(199));
    }
}
