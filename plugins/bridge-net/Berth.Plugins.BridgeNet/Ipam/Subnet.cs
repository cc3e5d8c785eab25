using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Berth.Plugins.BridgeNet.Ipam;

/// <summary>
/// An IP address as a number: IPv4 in the low 32 bits, IPv6 in all 128. Arithmetic on addresses (offsets in a pool,
/// the next subnet) is arithmetic on <see cref="Value"/>.
/// </summary>
internal readonly record struct IpValue(UInt128 Value, bool IsV6)
{
    public int BitLength => IsV6 ? 128 : 32;

    public static IpValue From(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return new IpValue(BinaryPrimitives.ReadUInt32BigEndian(bytes), IsV6: false);
        }
        address.TryWriteBytes(bytes, out _);
        return new IpValue(BinaryPrimitives.ReadUInt128BigEndian(bytes), IsV6: true);
    }

    public IPAddress ToAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!IsV6)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)Value);
            return new IPAddress(bytes[..4]);
        }
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Value);
        return new IPAddress(bytes);
    }

    public override string ToString() => ToAddress().ToString();

    /// <summary>
    /// Parses an address as Go's netip does: dotted quad with exactly four decimal parts and no leading zeros, or IPv6
    /// without a zone. An IPv4-mapped IPv6 address becomes IPv4 (moby unmaps them too).
    /// </summary>
    public static bool TryParse(string? text, out IpValue value)
    {
        value = default;
        if (string.IsNullOrEmpty(text)) return false;
        if (!text.Contains(':', StringComparison.Ordinal)) return TryParseV4(text, out value);
        if (text.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(text, out var address)) return false;
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        value = From(address);
        return true;
    }

    private static bool TryParseV4(string text, out IpValue value)
    {
        value = default;
        var parts = text.Split('.');
        if (parts.Length != 4) return false;
        uint result = 0;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0')) return false;
            if (!part.All(char.IsAsciiDigit)) return false;
            var octet = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (octet > 255) return false;
            result = (result << 8) | (uint)octet;
        }
        value = new IpValue(result, IsV6: false);
        return true;
    }
}

/// <summary>A subnet in canonical form (host bits cleared), e.g. <c>172.18.0.0/16</c>.</summary>
internal readonly record struct Subnet(IpValue Network, int Bits)
{
    public bool IsV6 => Network.IsV6;
    public int HostBits => Network.BitLength - Bits;
    public UInt128 First => Network.Value;

    /// <summary>The largest offset of an address in the subnet (its size minus one).</summary>
    public UInt128 MaxOffset => HostBits >= 128 ? UInt128.MaxValue : (UInt128.One << HostBits) - 1;

    public UInt128 Last => First | MaxOffset;

    public static Subnet Create(IpValue address, int bits)
    {
        var hostBits = address.BitLength - bits;
        var hostMask = hostBits >= 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        return new Subnet(address with { Value = address.Value & ~hostMask }, bits);
    }

    public bool Contains(IpValue address) => address.IsV6 == IsV6 && address.Value >= First && address.Value <= Last;

    public bool Contains(Subnet other) => other.IsV6 == IsV6 && other.First >= First && other.Last <= Last;

    public bool Overlaps(Subnet other) => other.IsV6 == IsV6 && other.First <= Last && First <= other.Last;

    public IpValue AddressAt(UInt128 offset) => Network with { Value = First + offset };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Network}/{Bits}");

    /// <summary>Parses CIDR notation; host bits are cleared (moby masks a pool such as 10.0.0.5/16 to 10.0.0.0/16).</summary>
    public static bool TryParse(string? text, out Subnet subnet)
    {
        subnet = default;
        if (string.IsNullOrEmpty(text)) return false;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return false;
        var bitsText = text[(slash + 1)..];
        if (!IpValue.TryParse(text[..slash], out var address)) return false;
        if (bitsText.Length is 0 or > 3 || !bitsText.All(char.IsAsciiDigit) || (bitsText.Length > 1 && bitsText[0] == '0')) return false;
        var bits = int.Parse(bitsText, NumberStyles.None, CultureInfo.InvariantCulture);
        if (bits > address.BitLength) return false;
        subnet = Create(address, bits);
        return true;
    }
}
