using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>Container MAC addresses as Moby makes and writes them.</summary>
internal static class MacAddresses
{
    /// <summary>Moby's MAC for an IPv4 endpoint: <c>02:42</c> and the four address bytes (172.17.0.2 → 02:42:ac:11:00:02).</summary>
    public static byte[] FromIPv4(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork) throw new ArgumentException($"{address} is not an IPv4 address", nameof(address));
        var bytes = address.GetAddressBytes();
        return [0x02, 0x42, bytes[0], bytes[1], bytes[2], bytes[3]];
    }

    /// <summary>A random unicast, locally administered MAC, for an endpoint without an IPv4 address.</summary>
    public static byte[] Random()
    {
        var bytes = RandomNumberGenerator.GetBytes(6);
        bytes[0] = (byte)((bytes[0] & 0xfe) | 0x02);
        return bytes;
    }

    /// <summary>Lower-case, colon-separated: <c>02:42:ac:11:00:02</c>.</summary>
    public static string Format(byte[] mac) => string.Join(':', mac.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    /// <summary>Six hexadecimal bytes separated by ':' or '-'.</summary>
    public static bool TryParse(string? text, out byte[] mac)
    {
        mac = [];
        if (string.IsNullOrEmpty(text)) return false;
        var parts = text.Split(text.Contains('-', StringComparison.Ordinal) ? '-' : ':');
        if (parts.Length != 6) return false;
        var bytes = new byte[6];
        for (var i = 0; i < 6; i++)
        {
            if (parts[i].Length is < 1 or > 2 || !byte.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i])) return false;
        }
        mac = bytes;
        return true;
    }
}
