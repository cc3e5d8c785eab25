using System.Buffers.Binary;

namespace Berth.Sdk.Networking.Netlink;

/// <summary>
/// struct ifinfomsg (linux/rtnetlink.h), 16 bytes: u8 family, u8 pad, u16 type, s32 index, u32 flags, u32 change.
/// </summary>
internal readonly record struct IfInfoMessage(byte Family, ushort Type, int Index, uint Flags, uint Change)
{
    public const int Size = 16;

    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        destination[0] = Family;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], Type);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], Index);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], Change);
    }

    public static IfInfoMessage Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size) throw new InvalidDataException($"ifinfomsg needs {Size} bytes, got {source.Length}");
        return new(
            source[0],
            BinaryPrimitives.ReadUInt16LittleEndian(source[2..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[12..]));
    }
}
