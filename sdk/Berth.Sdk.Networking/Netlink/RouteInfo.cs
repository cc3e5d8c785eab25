using System.Net;

namespace Berth.Sdk.Networking.Netlink;

/// <summary>One route of the main routing table.</summary>
/// <param name="Destination">The destination network (<c>0.0.0.0</c> or <c>::</c> for the default route).</param>
/// <param name="PrefixLength">The destination's prefix length (0 for the default route).</param>
/// <param name="Gateway">The next hop, or null for a route straight onto the link.</param>
/// <param name="OutputIndex">The index of the interface the route leaves through, if the route names one.</param>
public sealed record RouteInfo(IPAddress Destination, int PrefixLength, IPAddress? Gateway, int? OutputIndex)
{
    /// <summary>True for the default route (prefix length 0).</summary>
    public bool IsDefault => PrefixLength == 0;

    /// <summary><c>10.0.0.0/24 via 10.0.0.1 dev 3</c>, in the style of <c>ip route</c>.</summary>
    public override string ToString() => RouteMessages.Describe(IsDefault ? null : Destination, PrefixLength, Gateway, OutputIndex);
}
