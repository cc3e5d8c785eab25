using System.Globalization;
using Berth.Sdk;

namespace Berth.Kernel.Links;

/// <summary>A port number and its protocol (lower case), as moby's network.Port.</summary>
internal readonly record struct ExposedPort(int Number, string Protocol)
{
    private const string DefaultProtocol = "tcp";

    /// <summary>Every port named by the keys (ranges expanded), each once.</summary>
    /// <exception cref="BerthException">Invalid parameter for a key that is not a port, a range or has an empty protocol.</exception>
    public static List<ExposedPort> ParseAll(IEnumerable<string> keys)
    {
        var ports = new HashSet<ExposedPort>();
        foreach (var key in keys) ports.UnionWith(Parse(key));
        return [.. ports];
    }

    private static IEnumerable<ExposedPort> Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var numbers = slash < 0 ? key : key[..slash];
        var protocol = slash < 0 ? DefaultProtocol : key[(slash + 1)..].ToLowerInvariant();
        var dash = numbers.IndexOf('-', StringComparison.Ordinal);
        var first = dash < 0 ? numbers : numbers[..dash];
        var last = dash < 0 ? numbers : numbers[(dash + 1)..];
        if (protocol.Length == 0 || !TryPortNumber(first, out var start) || !TryPortNumber(last, out var end) || end < start)
            throw BerthException.Invalid($"invalid port specification: \"{key}\"");
        for (var port = start; port <= end; port++) yield return new ExposedPort(port, protocol);
    }

    private static bool TryPortNumber(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= ushort.MaxValue;

    /// <summary>moby's withTCPPriority: TCP first, then by protocol name; by number within a protocol.</summary>
    public static int CompareTcpFirst(ExposedPort a, ExposedPort b)
    {
        if (a.Protocol == b.Protocol) return a.Number.CompareTo(b.Number);
        if (a.Protocol == DefaultProtocol) return -1;
        if (b.Protocol == DefaultProtocol) return 1;
        return string.CompareOrdinal(a.Protocol, b.Protocol);
    }
}
