using System.Buffers.Binary;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Sdk.Networking.Tests.Netlink;

public class NetlinkErrorTests
{
    [Test]
    public void Decode_Ack_ReturnsZeroAndNoText()
    {
        var (errno, text) = NetlinkError.Decode(ErrorMessage(0, capped: true, kernelText: null));

        Assert.That(errno, Is.Zero);
        Assert.That(text, Is.Null);
    }

    [Test]
    public void Decode_CappedWithExtendedAck_ReturnsThePositiveErrnoAndTheKernelText()
    {
        var (errno, text) = NetlinkError.Decode(ErrorMessage(-22, capped: true, kernelText: "Unknown device type"));

        Assert.That(errno, Is.EqualTo(22));
        Assert.That(text, Is.EqualTo("Unknown device type"));
    }

    [Test]
    public void Decode_UncappedWithExtendedAck_SkipsTheEchoedRequest()
    {
        var (errno, text) = NetlinkError.Decode(ErrorMessage(-17, capped: false, kernelText: "exists"));

        Assert.That(errno, Is.EqualTo(17));
        Assert.That(text, Is.EqualTo("exists"));
    }

    [Test]
    public void Decode_WithoutTheTlvFlag_HasNoText()
    {
        var message = ErrorMessage(-19, capped: true, kernelText: "ignored");
        message = message with { Flags = NetlinkProtocol.Capped };

        Assert.That(NetlinkError.Decode(message), Is.EqualTo((19, (string?)null)));
    }

    [Test]
    public void Decode_PayloadWithoutErrorCode_ThrowsInvalidData() =>
        Assert.Throws<InvalidDataException>(() => NetlinkError.Decode(new NetlinkMessage(NetlinkProtocol.Error, 0, 1, 0, new byte[2])));

    /// <summary>An NLMSG_ERROR as the kernel sends it, answering a 28-byte RTM_NEWLINK request.</summary>
    private static NetlinkMessage ErrorMessage(int error, bool capped, string? kernelText)
    {
        var request = new NetlinkMessageBuilder(RtnetlinkTypes.NewLink, NetlinkProtocol.Request | NetlinkProtocol.Ack)
            .AddString(LinkAttributes.Name, "br-x").Build(5);
        var reply = new NetlinkMessageBuilder(NetlinkProtocol.Error, 0);
        BinaryPrimitives.WriteInt32LittleEndian(reply.AppendFixed(4), error);
        request.AsSpan(0, capped ? 16 : request.Length).CopyTo(reply.AppendFixed(capped ? 16 : request.Length));
        if (kernelText is not null) reply.AddString(NetlinkProtocol.ErrorAttributeMessage, kernelText);
        var flags = (ushort)((capped ? NetlinkProtocol.Capped : 0) | (kernelText is null ? 0 : NetlinkProtocol.AckTlvs));
        var bytes = reply.Build(5);
        return new NetlinkMessage(NetlinkProtocol.Error, flags, 5, 0, bytes.AsMemory(16));
    }
}
