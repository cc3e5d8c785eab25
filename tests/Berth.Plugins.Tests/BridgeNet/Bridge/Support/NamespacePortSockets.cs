using Berth.Plugins.BridgeNet.Bridge.Ports;
using Berth.Sdk.Networking.Namespaces;
using Microsoft.Win32.SafeHandles;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Support;

/// <summary>The sockets that hold published ports, opened inside a test's "host" namespace.</summary>
internal sealed class NamespacePortSockets(string namespacePath) : IPortSockets
{
    private readonly HostPortSockets inner = new();

    public SafeFileHandle Open(PortProtocol protocol) => NetworkNamespace.Run(namespacePath, () => inner.Open(protocol));
}
