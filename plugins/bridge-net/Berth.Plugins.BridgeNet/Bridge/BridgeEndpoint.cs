using Berth.Plugins.BridgeNet.Bridge.Ports;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>One endpoint of the bridge driver, as it is kept on disk: a veth pair with one end on the network's bridge.</summary>
/// <param name="Id">The daemon's endpoint id.</param>
/// <param name="NetworkId">The network the endpoint belongs to.</param>
/// <param name="HostInterface">The veth end enslaved to the bridge (<c>veth1a2b3c4</c>).</param>
/// <param name="ContainerInterface">The other end's name until the daemon moves it into the sandbox and renames it (<c>vethc5d6e7f</c>).</param>
/// <param name="Address">The IPv4 address with prefix length the daemon gave the endpoint, if any.</param>
/// <param name="AddressIPv6">The IPv6 address with prefix length the daemon gave the endpoint, if any.</param>
/// <param name="MacAddress">The container end's MAC address, <c>02:42:ac:12:00:02</c>.</param>
internal sealed record BridgeEndpoint(
    string Id,
    string NetworkId,
    string HostInterface,
    string ContainerInterface,
    string? Address,
    string? AddressIPv6,
    string MacAddress)
{
    /// <summary>
    /// The ports published for the endpoint (ProgramExternalConnectivity), with the host ports chosen; null when none
    /// are. Missing in files written before ports could be published.
    /// </summary>
    public IReadOnlyList<PublishedPort>? Ports { get; init; }

    /// <summary>
    /// The endpoint's embedded-DNS registration (Join with <c>berth.dns.names</c>), served again when the plugin starts;
    /// null when it has none. Missing in files written before the embedded DNS.
    /// </summary>
    public Dns.DnsRegistration? Dns { get; init; }
}
