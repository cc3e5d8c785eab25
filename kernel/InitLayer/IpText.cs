using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Berth.Kernel.InitLayer;

/// <summary>
/// IP address text as Go's netip.ParseAddr reads it (stricter than <see cref="IPAddress.TryParse(string, out IPAddress)"/>,
/// which takes "1" or "0x7f.1" for IPv4) and as netip writes it (RFC 5952 for IPv6).
/// </summary>
internal static class IpText
{
    public static bool TryParse(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        if (string.IsNullOrEmpty(text)) return false;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            if (text.Contains('[', StringComparison.Ordinal) || !IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6) return false;
            address = v6;
            return true;
        }
        var parts = text.Split('.');
        if (parts.Length != 4) return false;
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0')) return false;
            if (!byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i])) return false;
        }
        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>An IPv4-mapped IPv6 address as plain IPv4 (netip's Unmap), anything else unchanged.</summary>
    public static IPAddress Unmap(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static bool IsIPv6(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6;
}
