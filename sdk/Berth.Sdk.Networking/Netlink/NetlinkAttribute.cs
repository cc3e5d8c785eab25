using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Berth.Sdk.Networking.Netlink;

/// <summary>One attribute of a netlink message (type without the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits) and its value.</summary>
internal readonly record struct NetlinkAttribute(ushort Type, ReadOnlyMemory<byte> Value)
{
    /// <summary>Reads the attributes packed in <paramref name="data"/>; a truncated tail is ignored, as the kernel's nla_parse does.</summary>
    public static List<NetlinkAttribute> ParseAll(ReadOnlyMemory<byte> data)
    {
        var attributes = new List<NetlinkAttribute>();
        var offset = 0;
        while (data.Length - offset >= NetlinkProtocol.AttributeHeaderLength)
        {
            var span = data.Span[offset..];
            var length = BinaryPrimitives.ReadUInt16LittleEndian(span);
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(span[2..]) & NetlinkProtocol.AttributeTypeMask);
            if (length < NetlinkProtocol.AttributeHeaderLength || length > data.Length - offset) break;
            attributes.Add(new NetlinkAttribute(type, data.Slice(offset + NetlinkProtocol.AttributeHeaderLength, length - NetlinkProtocol.AttributeHeaderLength)));
            offset += NetlinkProtocol.Align(length);
        }
        return attributes;
    }

    /// <summary>The first attribute of <paramref name="type"/> in <paramref name="attributes"/>, or null.</summary>
    public static NetlinkAttribute? Find(List<NetlinkAttribute> attributes, ushort type)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.Type == type) return attribute;
        }
        return null;
    }

    public uint ReadUInt32() => Value.Length >= 4
        ? BinaryPrimitives.ReadUInt32LittleEndian(Value.Span)
        : throw new InvalidDataException($"attribute {Type} has {Value.Length} bytes, a u32 needs 4");

    /// <summary>The UTF-8 text up to the first NUL (or the whole value when there is none).</summary>
    public string ReadString()
    {
        var span = Value.Span;
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }

    public IPAddress ReadAddress() => Value.Length is 4 or 16
        ? new IPAddress(Value.Span)
        : throw new InvalidDataException($"attribute {Type} has {Value.Length} bytes, an IP address needs 4 or 16");

    public List<NetlinkAttribute> ReadNested() => ParseAll(Value);
}
