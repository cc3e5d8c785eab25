using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Berth.Sdk.Networking.Netlink;

/// <summary>
/// Lays out one netlink request: the 16-byte header (filled in by <see cref="Build"/>), the family header
/// (ifinfomsg, ifaddrmsg, rtmsg) and attributes, each padded to 4 bytes. An attribute's length counts its 4-byte
/// header and value but not the padding; a nested attribute's length covers its (padded) children.
/// </summary>
internal sealed class NetlinkMessageBuilder
{
    private byte[] _buffer = new byte[256];
    private int _length = NetlinkProtocol.HeaderLength;

    public NetlinkMessageBuilder(ushort type, ushort flags)
    {
        Type = type;
        Flags = flags;
    }

    public ushort Type { get; }

    public ushort Flags { get; }

    /// <summary>The bytes laid out so far, header included (always a multiple of 4).</summary>
    public int Length => _length;

    /// <summary>Appends <paramref name="size"/> zeroed bytes (padded to 4) for a family header and returns them to fill.</summary>
    public Span<byte> AppendFixed(int size) => Reserve(NetlinkProtocol.Align(size))[..size];

    public NetlinkMessageBuilder Add(IfInfoMessage message)
    {
        message.Write(AppendFixed(IfInfoMessage.Size));
        return this;
    }

    public NetlinkMessageBuilder Add(IfAddrMessage message)
    {
        message.Write(AppendFixed(IfAddrMessage.Size));
        return this;
    }

    public NetlinkMessageBuilder Add(RtMessage message)
    {
        message.Write(AppendFixed(RtMessage.Size));
        return this;
    }

    public NetlinkMessageBuilder AddAttribute(ushort type, ReadOnlySpan<byte> value)
    {
        var length = NetlinkProtocol.AttributeHeaderLength + value.Length;
        if (length > ushort.MaxValue) throw new ArgumentException($"attribute {type} is too long ({value.Length} bytes)", nameof(value));
        var span = Reserve(NetlinkProtocol.Align(length));
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], type);
        value.CopyTo(span[NetlinkProtocol.AttributeHeaderLength..]);
        return this;
    }

    public NetlinkMessageBuilder AddUInt32(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return AddAttribute(type, bytes);
    }

    /// <summary>A NUL-terminated UTF-8 string attribute (NLA_STRING as the kernel expects for names and kinds).</summary>
    public NetlinkMessageBuilder AddString(ushort type, string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return AddAttribute(type, bytes);
    }

    /// <summary>The address's raw bytes, which are already in network order.</summary>
    public NetlinkMessageBuilder AddAddress(ushort type, IPAddress address) => AddAttribute(type, address.GetAddressBytes());

    /// <summary>Starts a nested attribute; pass the returned offset to <see cref="EndNested"/> after adding its children.</summary>
    public int BeginNested(ushort type)
    {
        var offset = _length;
        var span = Reserve(NetlinkProtocol.AttributeHeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], type);
        return offset;
    }

    public void EndNested(int offset)
    {
        if (offset < NetlinkProtocol.HeaderLength || offset >= _length) throw new ArgumentOutOfRangeException(nameof(offset));
        var length = _length - offset;
        if (length > ushort.MaxValue) throw new InvalidOperationException($"nested attribute is too long ({length} bytes)");
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(offset), (ushort)length);
    }

    /// <summary>Fills in the header with <paramref name="sequence"/> and returns the finished message.</summary>
    public byte[] Build(uint sequence, uint portId = 0)
    {
        var header = _buffer.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)_length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Type);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], portId);
        return _buffer[.._length];
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        span.Clear();
        _length += count;
        return span;
    }
}
