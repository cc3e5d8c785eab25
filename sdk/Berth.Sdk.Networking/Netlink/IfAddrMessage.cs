using System.Buffers.Binary;

namespace Berth.Sdk.Networking.Netlink;

/// <summary>struct ifaddrmsg (linux/if_addr.h), 8 bytes: u8 family, u8 prefix length, u8 flags, u8 scope, u32 index.</summary>
internal readonly record struct IfAddrMessage(byte Family, byte PrefixLength, byte Flags, byte Scope, int Index)
{
    public const int Size = 8;

    public void Write(Span<byte> destination)
    {
        destination[0] = Family;
        destination[1] = PrefixLength;
        destination[2] = Flags;
        destination[3] = Scope;
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], Index);
    }

    public static IfAddrMessage Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size) throw new InvalidDataException($"ifaddrmsg needs {Size} bytes, got {source.Length}");
        return new(source[0], source[1], source[2], source[3], BinaryPrimitives.ReadInt32LittleEndian(source[4..]));
    }
}
