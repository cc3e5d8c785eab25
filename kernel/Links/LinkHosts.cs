using Berth.Kernel.InitLayer;

namespace Berth.Kernel.Links;

/// <summary>
/// The /etc/hosts lines a parent gets for a legacy link, as moby's addLegacyLinks: the child's bridge address (and its
/// global IPv6 address, when it has one) → <c>alias hostname</c>, plus the child's name when it differs from the alias.
/// </summary>
public static class LinkHosts
{
    public static IReadOnlyList<HostsEntry> Entries(LinkTarget target, string alias)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(alias);
        var bareAlias = alias[(alias.TrimEnd('/').LastIndexOf('/') + 1)..].TrimEnd('/');
        var childName = target.Name.TrimStart('/');
        var hosts = bareAlias + " " + target.EffectiveHostname;
        if (bareAlias != childName) hosts += " " + childName;

        var entries = new List<HostsEntry>(2);
        if (!string.IsNullOrEmpty(target.IpAddress)) entries.Add(new HostsEntry(target.IpAddress, hosts));
        if (!string.IsNullOrEmpty(target.GlobalIPv6Address)) entries.Add(new HostsEntry(target.GlobalIPv6Address, hosts));
        return entries;
    }
}
