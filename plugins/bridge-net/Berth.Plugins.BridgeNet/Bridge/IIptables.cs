namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// Runs the <c>iptables</c> commands (the seam tests use to run them inside their own network namespace, or in memory):
/// one rule at a time with <see cref="RunAsync"/>, or every table read at once with <see cref="SaveAsync"/> and
/// changes applied at once with <see cref="RestoreAsync"/> (see <see cref="Firewall"/>).
/// </summary>
internal interface IIptables
{
    /// <summary>Runs iptables with <paramref name="arguments"/> and returns its exit code and output; does not throw for a non-zero exit.</summary>
    Task<IptablesResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken);

    /// <summary>True when <c>iptables-save</c> and <c>iptables-restore</c> are there; false makes the firewall run one iptables per rule.</summary>
    bool CanBatch { get; }

    /// <summary>Runs <c>iptables-save</c> (every table, without counters) and returns what it printed; does not throw for a non-zero exit.</summary>
    Task<IptablesResult> SaveAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs <c>iptables-restore --noflush --wait</c> with <paramref name="input"/> (<c>*TABLE</c>, command lines,
    /// <c>COMMIT</c>, per table) on its standard input. Each table is committed whole or not at all, in order: when a
    /// line fails, the tables before it stay changed and the rest are left alone. Does not throw for a non-zero exit.
    /// </summary>
    Task<IptablesResult> RestoreAsync(string input, CancellationToken cancellationToken);
}

/// <summary>What one iptables run printed and its exit code (1 for a <c>-C</c> whose rule is missing).</summary>
internal sealed record IptablesResult(string CommandLine, int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;
}
