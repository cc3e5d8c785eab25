using System.Text;
using Berth.Plugins.BridgeNet.Bridge;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Support;

/// <summary>
/// A real iptables, except that an append (<c>-A</c>) whose arguments contain <paramref name="failOn"/> fails: run on
/// its own, or as a line of an iptables-restore, which then commits the tables before that line's and stops, as
/// iptables-restore does.
/// </summary>
internal sealed class FailingIptables(IIptables inner, string failOn) : IIptables
{
    public bool CanBatch => inner.CanBatch;

    public Task<IptablesResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var line = string.Join(' ', arguments);
        if (arguments.Contains("-A") && line.Contains(failOn, StringComparison.Ordinal))
            return Task.FromResult(new IptablesResult("iptables " + line, 4, "", "simulated failure"));
        return inner.RunAsync(arguments, cancellationToken);
    }

    public Task<IptablesResult> SaveAsync(CancellationToken cancellationToken) => inner.SaveAsync(cancellationToken);

    public async Task<IptablesResult> RestoreAsync(string input, CancellationToken cancellationToken)
    {
        var lines = input.Split('\n');
        var failing = Array.FindIndex(lines, l => l.StartsWith("-A ", StringComparison.Ordinal) && l.Contains(failOn, StringComparison.Ordinal));
        if (failing < 0) return await inner.RestoreAsync(input, cancellationToken);
        var section = Array.FindLastIndex(lines, failing, l => l.StartsWith('*'));
        var committed = new StringBuilder();
        foreach (var line in lines.Take(section)) committed.Append(line).Append('\n');
        if (committed.Length > 0)
        {
            var result = await inner.RestoreAsync(committed.ToString(), cancellationToken);
            if (!result.Succeeded) return result;
        }
        return new IptablesResult("iptables-restore --noflush --wait", 1, "", $"iptables-restore: line {failing + 1} failed: simulated failure");
    }
}
