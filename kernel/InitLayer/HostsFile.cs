using System.Text;

namespace Berth.Kernel.InitLayer;

/// <summary>
/// The content of a container's /etc/hosts, as moby's libnetwork (sandbox buildHostsFile + etchosts.Build): localhost,
/// the IPv6 standard names, then ExtraHosts, then legacy-link records, then the container's own addresses.
/// </summary>
public static class HostsFile
{
    private static readonly HostsEntry[] DefaultIPv4 = [new("127.0.0.1", "localhost")];

    private static readonly HostsEntry[] DefaultIPv6 =
    [
        new("::1", "localhost ip6-localhost ip6-loopback"),
        new("fe00::", "ip6-localnet"),
        new("ff00::", "ip6-mcastprefix"),
        new("ff02::1", "ip6-allnodes"),
        new("ff02::2", "ip6-allrouters"),
    ];

    /// <exception cref="Berth.Sdk.BerthException">An ExtraHosts entry is invalid or needs a host-gateway address the daemon lacks.</exception>
    public static string Build(HostsFileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var records = new List<HostsEntry>(ExtraHosts.Resolve(options.ExtraHosts, options.HostGatewayAddresses));
        records.AddRange(options.LinkEntries);
        records.AddRange(OwnRecords(options));

        var withIPv6 = options.IPv6Enabled != false;
        var content = new StringBuilder();
        foreach (var entry in DefaultIPv4) content.Append(entry.ToLine());
        if (withIPv6)
            foreach (var entry in DefaultIPv6) content.Append(entry.ToLine());
        foreach (var entry in records)
        {
            if (!withIPv6 && IsIPv6(entry.Address)) continue;
            content.Append(entry.ToLine());
        }
        return content.ToString();
    }

    /// <summary>The container's own records: <c>ip\thostname</c>, or <c>ip\thost.domain host</c> for a qualified name.</summary>
    public static IReadOnlyList<HostsEntry> OwnRecords(HostsFileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hosts = options.Hostname;
        if (hosts.Length == 0) return [];
        if (options.Domainname.Length > 0) hosts += "." + options.Domainname;
        var dot = hosts.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0) hosts += " " + hosts[..dot];
        return [.. options.ContainerAddresses.Select(address => new HostsEntry(Normalize(address), hosts))];
    }

    private static string Normalize(string address) => IpText.TryParse(address, out var parsed) ? IpText.Unmap(parsed).ToString() : address;

    private static bool IsIPv6(string address) => IpText.TryParse(address, out var parsed) ? IpText.IsIPv6(parsed) : address.Contains(':', StringComparison.Ordinal);
}
