using System.Buffers.Binary;
using System.Net;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Sdk.Networking.Tests.Netlink;

public class NetlinkAttributeTests
{
    [Test]
    public void ParseAll_BuilderOutput_RoundTripsTypesAndValues()
    {
        var bytes = new NetlinkMessageBuilder(1, 0)
            .AddString(3, "br0")
            .AddUInt32(4, 1500)
            .AddAddress(2, IPAddress.Parse("10.1.2.3"))
            .AddAddress(1, IPAddress.Parse("fd00::1"))
            .Build(1);

        var attributes = NetlinkAttribute.ParseAll(bytes.AsMemory(16));

        Assert.That(attributes.Select(a => a.Type), Is.EqualTo(new ushort[] { 3, 4, 2, 1 }));
        Assert.That(attributes[0].ReadString(), Is.EqualTo("br0"));
        Assert.That(attributes[1].ReadUInt32(), Is.EqualTo(1500));
        Assert.That(attributes[2].ReadAddress(), Is.EqualTo(IPAddress.Parse("10.1.2.3")));
        Assert.That(attributes[3].ReadAddress(), Is.EqualTo(IPAddress.Parse("fd00::1")));
    }

    [Test]
    public void ReadNested_NestedAttribute_ReturnsItsChildren()
    {
        var message = new NetlinkMessageBuilder(1, 0);
        var nest = message.BeginNested(18);
        message.AddString(1, "bridge");
        message.EndNested(nest);
        message.AddUInt32(4, 9000);

        var attributes = NetlinkAttribute.ParseAll(message.Build(1).AsMemory(16));

        Assert.That(attributes.Select(a => a.Type), Is.EqualTo(new ushort[] { 18, 4 }));
        Assert.That(NetlinkAttribute.Find(attributes[0].ReadNested(), 1)?.ReadString(), Is.EqualTo("bridge"));
    }

    [Test]
    public void ParseAll_NestedAndByteOrderBits_AreMaskedOffTheType()
    {
        var bytes = new NetlinkMessageBuilder(1, 0).AddUInt32(18, 0).Build(1);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), 18 | 0x8000 | 0x4000);

        Assert.That(NetlinkAttribute.ParseAll(bytes.AsMemory(16))[0].Type, Is.EqualTo(18));
    }

    [Test]
    public void ParseAll_TruncatedLastAttribute_IsIgnored()
    {
        var bytes = new NetlinkMessageBuilder(1, 0).AddUInt32(4, 1).AddUInt32(5, 2).Build(1);

        var attributes = NetlinkAttribute.ParseAll(bytes.AsMemory(16, 8 + 6));

        Assert.That(attributes.Select(a => a.Type), Is.EqualTo(new ushort[] { 4 }));
    }

    [Test]
    public void ReadString_WithoutNul_ReturnsTheWholeValue()
    {
        var attribute = new NetlinkAttribute(3, "eth0"u8.ToArray());

        Assert.That(attribute.ReadString(), Is.EqualTo("eth0"));
    }

    [Test]
    public void ReadUInt32_ShortValue_ThrowsInvalidData() =>
        Assert.Throws<InvalidDataException>(() => new NetlinkAttribute(4, new byte[2]).ReadUInt32());

    [Test]
    public void Find_MissingType_ReturnsNull() =>
        Assert.That(NetlinkAttribute.Find([new NetlinkAttribute(1, Array.Empty<byte>())], 2), Is.Null);
}
