using System.Globalization;
using System.Text.RegularExpressions;
using Berth.Sdk;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// Applies <see cref="FirewallRules"/> and the port rules through iptables, idempotently: a rule is appended only when
/// it is not there, deleted (every copy) only while it is there, a chain made only when missing.
/// </summary>
/// <remarks>
/// <para>
/// Each change is a plan run by <see cref="ApplyAsync"/>, in a batch: one <c>iptables-save</c> reads every table,
/// the plan decides each step against what it printed (<see cref="RestoreTransaction"/>), and one
/// <c>iptables-restore --noflush --wait</c> applies the commands decided, a section per table. That is two processes
/// for a change, whatever its size, where checking (<c>-C</c>, <c>-S</c>) and changing each rule with its own
/// iptables run took some twenty for a published port (10-15 ms each). A change that finds everything in place runs
/// no restore at all. (With iptables-nft, a table section that deletes rules still takes the kernel some 12-15 ms
/// more than one that only appends, as a single <c>iptables -D</c> does: a revoke costs more than a program.)
/// </para>
/// <para>
/// When iptables-save or iptables-restore is not installed, when iptables-save fails or prints what is not
/// understood, the plan runs rule by rule instead (<see cref="RuleByRuleTransaction"/>), as before. When the restore
/// fails, the plan runs again rule by rule on what is there then: iptables-restore commits each table whole or not
/// at all and stops at the failing one, so what it left is a consistent part of the plan, and the idempotent steps
/// complete the rest. A race with another program between the save and the restore (a rule deleted meanwhile) is so
/// absorbed; a change iptables refuses fails on its rule with iptables' own message, as it always did, and the
/// caller's rollback removes what the plan added, as it always did.
/// </para>
/// <para>
/// Nothing is remembered between changes (no cache of chains or rules once ensured): the save is needed anyway for
/// the rules of the change itself, so checking the driver's chains and jumps in it costs nothing, and each change
/// still puts back what a flush by another program (firewalld reloading, <c>iptables -F</c>) took away.
/// </para>
/// </remarks>
internal sealed partial class Firewall(IIptables iptables, TextWriter? log = null)
{
    private const string Forward = "FORWARD";
    private readonly TextWriter log = log ?? TextWriter.Null;
    private bool reportedRuleByRule;

    /// <summary>
    /// Runs <paramref name="plan"/> on a batch (<see cref="RestoreTransaction"/>) and applies it with one
    /// iptables-restore, or on <see cref="RuleByRuleTransaction"/> when a batch cannot be made or its restore fails.
    /// The plan may run twice: it must only call the transaction's steps (and log).
    /// </summary>
    public async Task ApplyAsync(Func<FirewallTransaction, Task> plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (await SnapshotAsync(cancellationToken).ConfigureAwait(false) is { } snapshot)
        {
            var batch = new RestoreTransaction(snapshot);
            await plan(batch).ConfigureAwait(false);
            if (batch.IsEmpty) return;
            string failure;
            try
            {
                var result = await iptables.RestoreAsync(batch.Input, cancellationToken).ConfigureAwait(false);
                if (result.Succeeded) return;
                failure = Describe(result, batch);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                failure = ex.Message;
            }
            catch (TimeoutException ex)
            {
                throw new BerthException(BerthErrorKind.System, $"bridge: {ex.Message}", ex);
            }
            await log.WriteLineAsync($"bridge: {failure}; applying the rules one at a time").ConfigureAwait(false);
        }
        await plan(new RuleByRuleTransaction(this, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Makes the chains BERTH-ISOLATION and BERTH-FORWARD and the jumps from FORWARD to them (see <see cref="FirewallTransaction.EnsureChainsAsync"/>).</summary>
    public Task EnsureChainsAsync(CancellationToken cancellationToken) => ApplyAsync(rules => rules.EnsureChainsAsync(), cancellationToken);

    /// <summary>Puts the rule first in its chain unless it is there already, wherever it is.</summary>
    public Task InsertFirstAsync(FirewallRule rule, CancellationToken cancellationToken) => ApplyAsync(rules => rules.InsertFirstAsync(rule), cancellationToken);

    /// <summary>Appends each rule that is not there yet.</summary>
    public Task AddAsync(IEnumerable<FirewallRule> rules, CancellationToken cancellationToken) => ApplyAsync(change => change.AddAsync(rules), cancellationToken);

    /// <summary>Deletes each rule, every copy of it; a missing rule is no error.</summary>
    public Task RemoveAsync(IEnumerable<FirewallRule> rules, CancellationToken cancellationToken) => ApplyAsync(change => change.RemoveAsync(rules), cancellationToken);

    /// <summary><c>iptables -P FORWARD DROP</c>: what Moby does when it turns IP forwarding on itself.</summary>
    public Task DropForwardedByDefaultAsync(CancellationToken cancellationToken) =>
        MustAsync(["-t", FirewallRule.Filter, "-P", Forward, "DROP"], cancellationToken);

    internal async Task MustAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await RunAsync(arguments, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded) throw Failure(result);
    }

    internal async Task<IptablesResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        try
        {
            return await iptables.RunAsync(arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or TimeoutException)
        {
            throw new BerthException(BerthErrorKind.System, $"bridge: {ex.Message}", ex);
        }
    }

    internal static BerthException Failure(IptablesResult result) =>
        new(BerthErrorKind.System, $"bridge: {result.CommandLine} failed (exit {result.ExitCode}): {result.Error.Trim()}");

    /// <summary>Every table as iptables-save prints it; null when there is no batch to be had (the reason logged once).</summary>
    private async Task<IptablesSnapshot?> SnapshotAsync(CancellationToken cancellationToken)
    {
        if (!iptables.CanBatch)
        {
            await ReportRuleByRuleAsync("iptables-save or iptables-restore is not installed").ConfigureAwait(false);
            return null;
        }
        IptablesResult saved;
        try
        {
            saved = await iptables.SaveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            await ReportRuleByRuleAsync(ex.Message).ConfigureAwait(false);
            return null;
        }
        catch (TimeoutException ex)
        {
            throw new BerthException(BerthErrorKind.System, $"bridge: {ex.Message}", ex);
        }
        if (!saved.Succeeded)
        {
            await ReportRuleByRuleAsync($"{saved.CommandLine} failed (exit {saved.ExitCode}): {saved.Error.Trim()}").ConfigureAwait(false);
            return null;
        }
        try
        {
            return IptablesSnapshot.Parse(saved.Output);
        }
        catch (FormatException ex)
        {
            await ReportRuleByRuleAsync(ex.Message).ConfigureAwait(false);
            return null;
        }
    }

    private async Task ReportRuleByRuleAsync(string reason)
    {
        if (reportedRuleByRule) return;
        reportedRuleByRule = true;
        await log.WriteLineAsync($"bridge: {reason}: the firewall is changed with one iptables run per rule").ConfigureAwait(false);
    }

    /// <summary>The restore's failure with the line it names (<c>line 3 failed</c>), as iptables-restore numbers them.</summary>
    private static string Describe(IptablesResult result, RestoreTransaction batch)
    {
        var error = result.Error.Trim();
        var line = LineNumber().Match(error) is { Success: true } match
            && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? batch.Line(number)
            : null;
        return $"{result.CommandLine} failed (exit {result.ExitCode}): {error}{(line is null ? "" : $" [{line}]")}";
    }

    [GeneratedRegex(@"line (\d+)")]
    private static partial Regex LineNumber();
}
