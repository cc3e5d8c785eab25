using System.Buffers.Binary;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Sdk.Networking.Tests.Netlink;

public class NetlinkMessageTests
{
    [Test]
    public void ParseAll_MultipartDatagram_ReturnsEveryMessageWithItsPayload()
    {
        var first = new NetlinkMessageBuilder(RtnetlinkTypes.NewLink, NetlinkProtocol.Multi).AddUInt32(1, 5).Build(9, 100);
        var second = new NetlinkMessageBuilder(RtnetlinkTypes.NewLink, NetlinkProtocol.Multi).AddString(3, "eth0").Build(9, 100);
        var doneMessage = new NetlinkMessageBuilder(NetlinkProtocol.Done, NetlinkProtocol.Multi);
        doneMessage.AppendFixed(4);
        var done = doneMessage.Build(9, 100);

        var messages = NetlinkMessage.ParseAll(first.Concat(second).Concat(done).ToArray());

        Assert.That(messages.Select(m => m.Type), Is.EqualTo(new ushort[] { 16, 16, NetlinkProtocol.Done }));
        Assert.That(messages.Select(m => m.Sequence), Is.All.EqualTo(9));
        Assert.That(messages[0].Payload.Length, Is.EqualTo(8));
        Assert.That(messages[1].Payload.ToArray(), Is.EqualTo(second[16..]));
        Assert.That(messages[2].PortId, Is.EqualTo(100));
    }

    [Test]
    public void ParseAll_LengthPastTheEnd_ThrowsInvalidData()
    {
        var bytes = new NetlinkMessageBuilder(1, 0).AddUInt32(1, 1).Build(1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 64);

        Assert.Throws<InvalidDataException>(() => NetlinkMessage.ParseAll(bytes));
    }

    [Test]
    public void ParseAll_LengthShorterThanTheHeader_ThrowsInvalidData()
    {
        var bytes = new NetlinkMessageBuilder(1, 0).Build(1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 8);

        Assert.Throws<InvalidDataException>(() => NetlinkMessage.ParseAll(bytes));
    }

    [Test]
    public void ParseAll_Empty_ReturnsNothing() => Assert.That(NetlinkMessage.ParseAll(Array.Empty<byte>()), Is.Empty);
}
