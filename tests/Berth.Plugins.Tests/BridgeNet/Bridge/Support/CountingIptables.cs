using Berth.Plugins.BridgeNet.Bridge;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Support;

/// <summary>
/// Another iptables that records each process it starts (<c>iptables …</c>, <c>iptables-save</c>,
/// <c>iptables-restore</c>); with <paramref name="batch"/> false it says iptables-save and iptables-restore are not
/// installed, so the firewall runs one iptables per rule.
/// </summary>
internal sealed class CountingIptables(IIptables inner, bool batch = true) : IIptables
{
    public List<string> Launches { get; } = [];

    public bool CanBatch => batch && inner.CanBatch;

    public Task<IptablesResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        Launches.Add("iptables " + string.Join(' ', arguments));
        return inner.RunAsync(arguments, cancellationToken);
    }

    public Task<IptablesResult> SaveAsync(CancellationToken cancellationToken)
    {
        Launches.Add("iptables-save");
        return inner.SaveAsync(cancellationToken);
    }

    public Task<IptablesResult> RestoreAsync(string input, CancellationToken cancellationToken)
    {
        Launches.Add("iptables-restore");
        return inner.RestoreAsync(input, cancellationToken);
    }
}
