namespace Berth.Sdk.Network;

/// <summary>
/// Option keys the daemon puts in <see cref="JoinRequest.Options"/> and in the options of
/// <see cref="INetworkDriver.ProgramExternalConnectivityAsync"/>, and keys a driver answers in
/// <see cref="INetworkDriver.EndpointOperInfoAsync"/>. The <c>com.docker.*</c> keys and their values are libnetwork's;
/// the <c>berth.*</c> keys are Berth's, for drivers that serve the embedded DNS.
/// </summary>
public static class EndpointOptions
{
    /// <summary>An array of <see cref="PortBinding"/>: the ports to publish (program), or the ports published (oper info).</summary>
    public const string PortMap = "com.docker.network.portmap";

    /// <summary>An array of <see cref="ExposedPort"/>: the container's exposed ports.</summary>
    public const string ExposedPorts = "com.docker.network.endpoint.exposedports";

    /// <summary>The container end's MAC address (oper info).</summary>
    public const string MacAddress = "com.docker.network.endpoint.macaddress";

    /// <summary>
    /// An array of strings: the names the embedded DNS answers with this endpoint's addresses to every sandbox on the
    /// same network (container name, short id, <c>--network-alias</c>). Present only on networks that have the
    /// embedded DNS (user-defined ones); a driver serves 127.0.0.11 in the sandbox while such an endpoint is joined.
    /// </summary>
    public const string DnsNames = "berth.dns.names";

    /// <summary>An array of <c>"target:alias"</c> strings: legacy links, names only this sandbox resolves (to the target container's addresses).</summary>
    public const string DnsLinks = "berth.dns.links";

    /// <summary>An array of IP addresses: the resolvers the embedded DNS forwards other names to, in order.</summary>
    public const string DnsServers = "berth.dns.servers";
}

/// <summary>libnetwork's <c>types.PortBinding</c>. Proto is the IP protocol number (6 tcp, 17 udp, 132 sctp).</summary>
/// <param name="IP">The container's address (the daemon may leave it empty; the driver knows the endpoint's).</param>
/// <param name="HostIP">The host address to bind, empty for every address.</param>
/// <param name="HostPort">The host port; 0 asks for an ephemeral port from the kernel's range.</param>
/// <param name="HostPortEnd">The end of a host port range, or 0 / equal to HostPort for a single port.</param>
public sealed record PortBinding(int Proto, string IP, int Port, string HostIP, int HostPort, int HostPortEnd);

/// <summary>libnetwork's <c>types.TransportPort</c>.</summary>
public sealed record ExposedPort(int Proto, int Port);
