using Berth.Sdk;

namespace Berth.Kernel.InitLayer;

/// <summary>HostConfig.ExtraHosts (<c>--add-host name:ip</c>), with moby's validation and the special <c>host-gateway</c> address.</summary>
public static class ExtraHosts
{
    public const string HostGatewayName = "host-gateway";

    /// <summary>Checks one entry as moby's opts.ValidateExtraHost (at container create).</summary>
    /// <exception cref="BerthException">Invalid parameter: <c>bad format for add-host: "x"</c>, <c>invalid IP address in add-host: "ip"</c>.</exception>
    public static void Validate(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) throw BerthException.Invalid($"bad format for add-host: \"{value}\"");
        var ip = value[(colon + 1)..];
        if (ip != HostGatewayName && !IpText.TryParse(ip, out _))
            throw BerthException.Invalid($"invalid IP address in add-host: \"{ip}\"");
    }

    /// <summary>
    /// The hosts records of the entries, in order (split on the first ":", so IPv6 addresses work); <c>host-gateway</c>
    /// becomes one record per host-gateway address.
    /// </summary>
    /// <exception cref="BerthException">An entry is invalid, or <c>host-gateway</c> is used while the daemon has no host-gateway address.</exception>
    public static IReadOnlyList<HostsEntry> Resolve(IEnumerable<string> values, IReadOnlyList<string> hostGatewayAddresses)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(hostGatewayAddresses);
        var entries = new List<HostsEntry>();
        foreach (var value in values)
        {
            Validate(value);
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            var name = value[..colon];
            var ip = value[(colon + 1)..];
            if (ip != HostGatewayName)
            {
                IpText.TryParse(ip, out var address);
                entries.Add(new HostsEntry(IpText.Unmap(address).ToString(), name));
                continue;
            }
            if (hostGatewayAddresses.Count == 0)
                throw new BerthException("unable to derive the IP value for host-gateway");
            foreach (var gateway in hostGatewayAddresses)
            {
                if (!IpText.TryParse(gateway, out var address))
                    throw BerthException.Invalid($"invalid host-gateway address \"{gateway}\"");
                entries.Add(new HostsEntry(IpText.Unmap(address).ToString(), name));
            }
        }
        return entries;
    }
}
