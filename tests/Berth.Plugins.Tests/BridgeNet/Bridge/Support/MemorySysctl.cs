using Berth.Plugins.BridgeNet.Bridge;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Support;

/// <summary>Kernel parameters in a dictionary; a parameter never written reads as <c>0</c>.</summary>
internal sealed class MemorySysctl : ISysctl
{
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    public string Read(string name) => Values.GetValueOrDefault(name, "0");

    public void Write(string name, string value) => Values[name] = value;
}
