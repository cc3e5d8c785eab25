using System.Buffers.Binary;

namespace Berth.Sdk.Networking.Netlink;

/// <summary>
/// struct rtmsg (linux/rtnetlink.h), 12 bytes: u8 family, destination length, source length, tos, table, protocol,
/// scope, type, then u32 flags.
/// </summary>
internal readonly record struct RtMessage(
    byte Family, byte DestinationLength, byte SourceLength, byte Tos, byte Table, byte Protocol, byte Scope, byte Type, uint Flags)
{
    public const int Size = 12;

    public void Write(Span<byte> destination)
    {
        destination[0] = Family;
        destination[1] = DestinationLength;
        destination[2] = SourceLength;
        destination[3] = Tos;
        destination[4] = Table;
        destination[5] = Protocol;
        destination[6] = Scope;
        destination[7] = Type;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Flags);
    }

    public static RtMessage Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size) throw new InvalidDataException($"rtmsg needs {Size} bytes, got {source.Length}");
        return new(source[0], source[1], source[2], source[3], source[4], source[5], source[6], source[7],
            BinaryPrimitives.ReadUInt32LittleEndian(source[8..]));
    }
}
