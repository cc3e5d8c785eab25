using Berth.Plugins.BridgeNet.Bridge;
using Berth.Sdk.Networking.Namespaces;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Support;

/// <summary>Kernel parameters of a test's network namespace: /proc/sys read and written from a thread inside it.</summary>
internal sealed class NamespaceSysctl(string namespacePath) : ISysctl
{
    private readonly ProcSysctl proc = new();

    public string Read(string name) => NetworkNamespace.Run(namespacePath, () => proc.Read(name));

    public void Write(string name, string value) => NetworkNamespace.Run(namespacePath, () => proc.Write(name, value));
}
