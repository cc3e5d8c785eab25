using System.Buffers.Binary;

namespace Berth.Sdk.Networking.Netlink;

/// <summary>
/// Decodes an NLMSG_ERROR reply (struct nlmsgerr): an s32 error (0 for an ack, else a negative errno), the header of
/// the request it answers (followed by the request's payload unless NLM_F_CAPPED is set), then, when NLM_F_ACK_TLVS
/// is set, extended-ack attributes such as the kernel's error text.
/// </summary>
internal static class NetlinkError
{
    /// <summary>The positive errno (0 for an ack) and the kernel's extended-ack message, if it sent one.</summary>
    public static (int Errno, string? KernelMessage) Decode(NetlinkMessage message)
    {
        var payload = message.Payload;
        if (payload.Length < 4) throw new InvalidDataException($"NLMSG_ERROR carries {payload.Length} bytes, the error code needs 4");
        var errno = -BinaryPrimitives.ReadInt32LittleEndian(payload.Span);
        if ((message.Flags & NetlinkProtocol.AckTlvs) == 0 || payload.Length < 4 + NetlinkProtocol.HeaderLength) return (errno, null);

        var echoed = NetlinkProtocol.HeaderLength;
        if ((message.Flags & NetlinkProtocol.Capped) == 0)
            echoed = NetlinkProtocol.Align((int)BinaryPrimitives.ReadUInt32LittleEndian(payload.Span[4..]));
        var tlvStart = 4 + echoed;
        if (tlvStart > payload.Length) return (errno, null);
        var text = NetlinkAttribute.Find(NetlinkAttribute.ParseAll(payload[tlvStart..]), NetlinkProtocol.ErrorAttributeMessage);
        var kernelMessage = text?.ReadString();
        return (errno, string.IsNullOrWhiteSpace(kernelMessage) ? null : kernelMessage);
    }
}
