using Microsoft.Win32.SafeHandles;

namespace Berth.Plugins.BridgeNet.Bridge.Ports;

/// <summary>
/// Opens the sockets that hold published host ports, in the network namespace the driver publishes in (the seam tests
/// use to hold ports in a namespace of their own). A socket stays in the namespace it was opened in, whichever thread
/// binds it later.
/// </summary>
internal interface IPortSockets
{
    /// <summary>An IPv4 socket of <paramref name="protocol"/>, not bound yet.</summary>
    /// <exception cref="SocketCallException">The kernel refused.</exception>
    SafeFileHandle Open(PortProtocol protocol);
}

/// <summary>Sockets in the calling thread's namespace: the host's, for the plugin.</summary>
internal sealed class HostPortSockets : IPortSockets
{
    public SafeFileHandle Open(PortProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return SocketCalls.Open(protocol.SocketType, protocol.Number);
    }
}
