using System.Net;
using System.Net.Sockets;

namespace Berth.Sdk.Networking.Netlink;

public sealed partial class RtNetlink
{
    /// <summary>
    /// Adds a route to the main table (<c>ip route add … proto boot</c>). A null <paramref name="destination"/> is the
    /// default route (prefix length 0). Without a <paramref name="gateway"/> the route is on-link (scope link) and
    /// needs <paramref name="outputIndex"/>; such a default route without either address is IPv4 (for IPv6 pass
    /// <see cref="IPAddress.IPv6Any"/>/0).
    /// </summary>
    /// <exception cref="NetlinkException">EEXIST when the table has the route; ENETUNREACH when the gateway is not on a connected subnet.</exception>
    public void AddRoute(IPAddress? destination, int prefixLength, IPAddress? gateway, int? outputIndex)
    {
        if (outputIndex is { } index) ValidateIndex(index, nameof(outputIndex));
        Execute(RouteMessages.Add(destination, prefixLength, gateway, outputIndex), RouteMessages.Describe(destination, prefixLength, gateway, outputIndex));
    }

    /// <summary>Deletes the main-table route with these fields (<c>ip route del …</c>).</summary>
    /// <exception cref="NetlinkException">ESRCH when there is no such route.</exception>
    public void DeleteRoute(IPAddress? destination, int prefixLength, IPAddress? gateway, int? outputIndex)
    {
        if (outputIndex is { } index) ValidateIndex(index, nameof(outputIndex));
        Execute(RouteMessages.Delete(destination, prefixLength, gateway, outputIndex), RouteMessages.Describe(destination, prefixLength, gateway, outputIndex));
    }

    /// <summary>The routes of the main table for <paramref name="family"/> (InterNetwork or InterNetworkV6).</summary>
    public IReadOnlyList<RouteInfo> GetRoutes(AddressFamily family)
    {
        var routes = new List<RouteInfo>();
        foreach (var message in Execute(RouteMessages.Dump(RouteMessages.DumpFamily(family)), "dump"))
        {
            if (message.Type == RtnetlinkTypes.NewRoute && RouteMessages.Parse(message) is { } route) routes.Add(route);
        }
        return routes;
    }

    /// <summary>The IPv4 routes of the main table (<c>ip -4 route show table main</c>).</summary>
    public IReadOnlyList<RouteInfo> GetRoutesV4() => GetRoutes(AddressFamily.InterNetwork);
}
