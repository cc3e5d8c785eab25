namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>Kernel parameters (<c>net.ipv4.ip_forward</c>); a seam so tests set them in their own network namespace.</summary>
internal interface ISysctl
{
    /// <summary>The parameter's value without the trailing newline.</summary>
    string Read(string name);

    void Write(string name, string value);
}
