namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>Runs the <c>iptables</c> command with arguments (the seam tests use to run it inside their own network namespace).</summary>
internal interface IIptables
{
    /// <summary>Runs iptables with <paramref name="arguments"/> and returns its exit code and output; does not throw for a non-zero exit.</summary>
    Task<IptablesResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken);
}

/// <summary>What one iptables run printed and its exit code (1 for a <c>-C</c> whose rule is missing).</summary>
internal sealed record IptablesResult(string CommandLine, int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;
}
