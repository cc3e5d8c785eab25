using Berth.Plugins.BridgeNet.Bridge;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Support;

/// <summary>A real iptables, except that an append (<c>-A</c>) whose arguments contain <paramref name="failOn"/> fails.</summary>
internal sealed class FailingIptables(IIptables inner, string failOn) : IIptables
{
    public Task<IptablesResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var line = string.Join(' ', arguments);
        if (arguments.Contains("-A") && line.Contains(failOn, StringComparison.Ordinal))
            return Task.FromResult(new IptablesResult("iptables " + line, 4, "", "simulated failure"));
        return inner.RunAsync(arguments, cancellationToken);
    }
}
