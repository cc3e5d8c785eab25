using System.Net;

namespace Berth.Plugins.BridgeNet.Bridge.Ports;

/// <summary>One container port to publish, as the daemon asked for it (one libnetwork PortBinding).</summary>
/// <param name="Protocol">tcp, udp or sctp.</param>
/// <param name="HostIP">The host address to publish on; null for the network's default binding address (<c>0.0.0.0</c> unless the network says otherwise).</param>
/// <param name="HostPort">The host port, or 0 for an ephemeral one the kernel picks.</param>
/// <param name="HostPortEnd">The last port of a host port range to pick the first free port from; equal to <paramref name="HostPort"/> for one port.</param>
/// <param name="ContainerPort">The port in the container.</param>
internal sealed record PortRequest(PortProtocol Protocol, IPAddress? HostIP, int HostPort, int HostPortEnd, int ContainerPort)
{
    public bool IsRange => HostPortEnd > HostPort;
}
