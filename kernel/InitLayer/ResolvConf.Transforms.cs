using System.Globalization;
using System.Net;

namespace Berth.Kernel.InitLayer;

public sealed partial class ResolvConf
{
    private static readonly IPAddress[] DefaultIPv4NameServers = [IPAddress.Parse("8.8.8.8"), IPAddress.Parse("8.8.4.4")];
    private static readonly IPAddress[] DefaultIPv6NameServers = [IPAddress.Parse("2001:4860:4860::8888"), IPAddress.Parse("2001:4860:4860::8844")];

    /// <summary>
    /// For a network without an internal resolver (the default bridge): unless nameservers were overridden, drop loopback
    /// nameservers (they only answer in the host's namespace) and IPv6 ones when <paramref name="ipv6"/> is false;
    /// when none are left, use Google's public servers (8.8.8.8, 8.8.4.4, and the IPv6 pair with IPv6).
    /// </summary>
    public void TransformForLegacyNetwork(bool ipv6)
    {
        transform = "legacy";
        if (nameServersOverridden) return;
        nameServers.RemoveAll(address => IPAddress.IsLoopback(address) || (IpText.IsIPv6(address) && !ipv6));
        if (nameServers.Count > 0) return;
        nameServers.AddRange(DefaultIPv4NameServers);
        if (ipv6) nameServers.AddRange(DefaultIPv6NameServers);
        warnings.Add("Used default nameservers.");
    }

    /// <summary>
    /// For a network with an internal resolver: the file lists only <paramref name="internalNameServer"/>; the former
    /// nameservers are returned for the resolver to forward to. Each required option is added unless one with the same
    /// name is present (an ill-formed ndots is replaced).
    /// </summary>
    public IReadOnlyList<ExternalNameserver> TransformForInternalResolver(IPAddress internalNameServer, IEnumerable<string> requiredOptions)
    {
        ArgumentNullException.ThrowIfNull(internalNameServer);
        ArgumentNullException.ThrowIfNull(requiredOptions);
        externalNameServers.Clear();
        externalNameServers.AddRange(nameServers.Select(address => new ExternalNameserver(address.ToString(), !nameServersOverridden)));
        nameServers.Clear();
        nameServers.Add(internalNameServer);
        foreach (var option in requiredOptions)
        {
            var colon = option.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? option : option[..colon];
            if (name == "ndots") options.RemoveAll(IsInvalidNDots);
            if (Option(name) is null) AddOption(option);
        }
        transform = "internal resolver";
        if (externalNameServers.Count == 0) warnings.Add("NO EXTERNAL NAMESERVERS DEFINED");
        return [.. externalNameServers];
    }

    private static bool IsInvalidNDots(string option)
    {
        var colon = option.IndexOf(':', StringComparison.Ordinal);
        var key = colon < 0 ? option : option[..colon];
        if (key != "ndots") return false;
        if (colon < 0 || colon == option.Length - 1) return true;
        return !int.TryParse(option[(colon + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ndots) || ndots < 0;
    }
}
