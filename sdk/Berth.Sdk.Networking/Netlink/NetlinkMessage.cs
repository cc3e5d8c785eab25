using System.Buffers.Binary;

namespace Berth.Sdk.Networking.Netlink;

/// <summary>One message read from a netlink socket: its header fields and the payload after the 16-byte header.</summary>
internal readonly record struct NetlinkMessage(ushort Type, ushort Flags, uint Sequence, uint PortId, ReadOnlyMemory<byte> Payload)
{
    /// <summary>Splits a datagram into its messages (a multipart reply packs several into one read).</summary>
    public static List<NetlinkMessage> ParseAll(ReadOnlyMemory<byte> datagram)
    {
        var messages = new List<NetlinkMessage>();
        var offset = 0;
        while (datagram.Length - offset >= NetlinkProtocol.HeaderLength)
        {
            var header = datagram.Span[offset..];
            var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (length < NetlinkProtocol.HeaderLength || length > datagram.Length - offset)
                throw new InvalidDataException($"netlink message at offset {offset} claims {length} bytes, {datagram.Length - offset} are left");
            messages.Add(new NetlinkMessage(
                BinaryPrimitives.ReadUInt16LittleEndian(header[4..]),
                BinaryPrimitives.ReadUInt16LittleEndian(header[6..]),
                BinaryPrimitives.ReadUInt32LittleEndian(header[8..]),
                BinaryPrimitives.ReadUInt32LittleEndian(header[12..]),
                datagram.Slice(offset + NetlinkProtocol.HeaderLength, (int)length - NetlinkProtocol.HeaderLength)));
            offset += NetlinkProtocol.Align((int)length);
        }
        return messages;
    }
}
