using System.Net;

namespace Berth.Sdk.Networking.Netlink;

/// <summary>An IP address assigned to an interface and its prefix length; prints as <c>10.0.0.1/24</c>.</summary>
public sealed record InterfaceAddress(IPAddress Address, int PrefixLength)
{
    public override string ToString() => $"{Address}/{PrefixLength}";
}
