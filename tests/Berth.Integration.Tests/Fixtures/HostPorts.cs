using System.Net;
using System.Net.Sockets;

namespace Berth.Integration.Tests.Fixtures;

public static class HostPorts
{
    /// <summary>A TCP port nothing on the host listens on now (the kernel picks it, the listener is closed at once).</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
