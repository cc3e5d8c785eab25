using System.Globalization;
using System.Net;
using System.Numerics;

namespace Berth.Plugins.BridgeNet.Ipam;

/// <summary>The IPv4 routes of the host, read from <c>/proc/net/route</c> (no netlink needed).</summary>
public static class HostRoutes
{
    public const string ProcRoutePath = "/proc/net/route";

    /// <summary>The host's IPv4 route destinations, without the default route; empty when the file cannot be read.</summary>
    public static IReadOnlyList<(IPAddress Network, int Prefix)> Read() => Read(ProcRoutePath);

    public static IReadOnlyList<(IPAddress Network, int Prefix)> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        return Parse(text);
    }

    /// <summary>
    /// Parses the table: a header line, then one route a line with the destination (column 2) and the mask
    /// (column 8) as the hexadecimal of the address as it lies in memory, so 0000A8C0 is 192.168.0.0 on a
    /// little-endian host.
    /// </summary>
    public static IReadOnlyList<(IPAddress Network, int Prefix)> Parse(string text)
    {
        var routes = new List<(IPAddress, int)>();
        foreach (var line in text.Split('\n').Skip(1))
        {
            var columns = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length < 8) continue;
            if (!uint.TryParse(columns[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var destination)
                || !uint.TryParse(columns[7], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var mask))
            {
                continue;
            }
            if (mask == 0) continue; // the default route
            // The bytes in memory order are the address in network order, whatever the host's endianness.
            routes.Add((new IPAddress(BitConverter.GetBytes(destination)), BitOperations.PopCount(mask)));
        }
        return routes;
    }
}
