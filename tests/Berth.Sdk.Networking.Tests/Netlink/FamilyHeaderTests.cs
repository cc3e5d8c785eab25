using Berth.Sdk.Networking.Netlink;

namespace Berth.Sdk.Networking.Tests.Netlink;

public class FamilyHeaderTests
{
    [Test]
    public void IfInfoMessage_WriteThenRead_RoundTripsAtTheKernelOffsets()
    {
        var bytes = new byte[IfInfoMessage.Size];
        new IfInfoMessage(10, 1, 7, 0x1003, 0x1).Write(bytes);

        Assert.That(bytes, Is.EqualTo(new byte[] { 10, 0, 1, 0, 7, 0, 0, 0, 3, 0x10, 0, 0, 1, 0, 0, 0 }));
        Assert.That(IfInfoMessage.Read(bytes), Is.EqualTo(new IfInfoMessage(10, 1, 7, 0x1003, 0x1)));
    }

    [Test]
    public void IfAddrMessage_WriteThenRead_RoundTripsAtTheKernelOffsets()
    {
        var bytes = new byte[IfAddrMessage.Size];
        new IfAddrMessage(2, 24, 0x80, 253, 3).Write(bytes);

        Assert.That(bytes, Is.EqualTo(new byte[] { 2, 24, 0x80, 253, 3, 0, 0, 0 }));
        Assert.That(IfAddrMessage.Read(bytes), Is.EqualTo(new IfAddrMessage(2, 24, 0x80, 253, 3)));
    }

    [Test]
    public void RtMessage_WriteThenRead_RoundTripsAtTheKernelOffsets()
    {
        var bytes = new byte[RtMessage.Size];
        var header = new RtMessage(2, 16, 0, 0, 254, 3, 253, 1, 0x200);
        header.Write(bytes);

        Assert.That(bytes, Is.EqualTo(new byte[] { 2, 16, 0, 0, 254, 3, 253, 1, 0, 2, 0, 0 }));
        Assert.That(RtMessage.Read(bytes), Is.EqualTo(header));
    }

    [Test]
    public void Read_ShortPayload_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => IfInfoMessage.Read(new byte[15]));
        Assert.Throws<InvalidDataException>(() => IfAddrMessage.Read(new byte[7]));
        Assert.Throws<InvalidDataException>(() => RtMessage.Read(new byte[11]));
    }
}
