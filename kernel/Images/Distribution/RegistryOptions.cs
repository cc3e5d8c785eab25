using System.Net;

namespace Berth.Kernel.Images.Distribution;

/// <summary>
/// Registry settings from daemon.json. <see cref="InsecureRegistries"/> holds <c>host[:port]</c> entries or CIDRs;
/// loopback (127.0.0.0/8, ::1, localhost) is always insecure, as in Moby.
/// </summary>
public sealed record RegistryOptions(IReadOnlyList<string> InsecureRegistries)
{
    public static RegistryOptions Default { get; } = new([]);

    /// <summary>
    /// Whether <paramref name="host"/> (<c>host[:port]</c>, as in a reference's domain) may be reached over plain HTTP
    /// or HTTPS without certificate checks. Unlike Moby, a CIDR entry matches IP literals only: no DNS lookup here.
    /// </summary>
    public bool IsInsecure(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var hostname = HostnameOf(host);
        if (string.Equals(hostname, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        var address = IPAddress.TryParse(hostname, out var parsed) ? parsed : null;
        if (address is not null && IPAddress.IsLoopback(address)) return true;
        foreach (var entry in InsecureRegistries)
        {
            var candidate = entry.Trim();
            if (candidate.Contains("://", StringComparison.Ordinal)) candidate = candidate[(candidate.IndexOf("://", StringComparison.Ordinal) + 3)..];
            candidate = candidate.TrimEnd('/');
            if (string.Equals(candidate, host, StringComparison.OrdinalIgnoreCase)) return true;
            if (address is not null && IPNetwork.TryParse(candidate, out var network) && network.Contains(address)) return true;
        }
        return false;
    }

    /// <summary>The host without its port (<c>[::1]:5000</c> → <c>::1</c>).</summary>
    internal static string HostnameOf(string host)
    {
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? host[1..close] : host;
        }
        var colon = host.LastIndexOf(':');
        return colon >= 0 && host.IndexOf(':', StringComparison.Ordinal) == colon ? host[..colon] : host;
    }
}
