namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>Kernel parameters through <c>/proc/sys</c>; network ones are those of the calling thread's network namespace.</summary>
internal sealed class ProcSysctl : ISysctl
{
    public string Read(string name) => File.ReadAllText(PathOf(name)).TrimEnd('\n');

    public void Write(string name, string value) => File.WriteAllText(PathOf(name), value + "\n");

    /// <summary><c>net.ipv4.ip_forward</c> → <c>/proc/sys/net/ipv4/ip_forward</c>.</summary>
    public static string PathOf(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains("..", StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal))
            throw new ArgumentException($"'{name}' is not a sysctl name", nameof(name));
        return "/proc/sys/" + name.Replace('.', '/');
    }
}
