using System.Globalization;
using System.Net;

namespace Berth.Plugins.BridgeNet.Dns;

/// <summary>Name handling shared by the table and the resolver.</summary>
internal static class DnsName
{
    /// <summary>How names compare: DNS names are case-insensitive (ASCII).</summary>
    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    /// <summary>The name without its trailing dot.</summary>
    public static string Trim(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.EndsWith('.') ? name[..^1] : name;
    }

    /// <summary>The address a reverse name (<c>4.3.2.1.in-addr.arpa</c>, or the 32 nibbles of an <c>ip6.arpa</c> one) stands for.</summary>
    public static bool TryParseReverse(string name, out IPAddress address)
    {
        address = IPAddress.None;
        var labels = Trim(name).Split('.');
        if (labels.Length == 6 && IsSuffix(labels, "in-addr", "arpa"))
        {
            var bytes = new byte[4];
            for (var i = 0; i < 4; i++)
            {
                if (labels[i].Length is 0 or > 3 || !byte.TryParse(labels[i], NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return false;
                if (labels[i].Length > 1 && labels[i][0] == '0') return false;
                bytes[3 - i] = value;
            }
            address = new IPAddress(bytes);
            return true;
        }
        if (labels.Length == 34 && IsSuffix(labels, "ip6", "arpa"))
        {
            var bytes = new byte[16];
            for (var i = 0; i < 32; i++)
            {
                if (labels[i].Length != 1 || !Uri.IsHexDigit(labels[i][0])) return false;
                var nibble = Convert.ToByte(labels[i], 16);
                var index = 15 - i / 2;
                bytes[index] |= (byte)(i % 2 == 0 ? nibble : nibble << 4);
            }
            address = new IPAddress(bytes);
            return true;
        }
        return false;
    }

    private static bool IsSuffix(string[] labels, string second, string last) =>
        Comparer.Equals(labels[^2], second) && Comparer.Equals(labels[^1], last);
}
