using Berth.Sdk;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// Applies <see cref="FirewallRules"/> through iptables, idempotently: every rule is checked (<c>-C</c>) before it is
/// appended, and deleted (<c>-D</c>) only while it is there.
/// </summary>
internal sealed class Firewall(IIptables iptables)
{
    private const string Forward = "FORWARD";

    /// <summary>
    /// Makes the chains BERTH-ISOLATION and BERTH-FORWARD and puts their jumps at the top of FORWARD, isolation
    /// first. When only one jump is there, both are put back in that order.
    /// </summary>
    public async Task EnsureChainsAsync(CancellationToken cancellationToken)
    {
        foreach (var chain in new[] { FirewallRules.IsolationChain, FirewallRules.ForwardChain })
            await EnsureChainAsync(FirewallRule.Filter, chain, cancellationToken).ConfigureAwait(false);
        var isolation = Jump(FirewallRules.IsolationChain);
        var forward = Jump(FirewallRules.ForwardChain);
        var hasIsolation = await ExistsAsync(isolation, cancellationToken).ConfigureAwait(false);
        var hasForward = await ExistsAsync(forward, cancellationToken).ConfigureAwait(false);
        if (hasIsolation && hasForward) return;
        if (hasIsolation) await RemoveAsync([isolation], cancellationToken).ConfigureAwait(false);
        await MustAsync(["-t", FirewallRule.Filter, "-I", Forward, "1", .. forward.Specification], cancellationToken).ConfigureAwait(false);
        await MustAsync(["-t", FirewallRule.Filter, "-I", Forward, "1", .. isolation.Specification], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes the chain <paramref name="chain"/> of <paramref name="table"/> unless it is there.</summary>
    public async Task EnsureChainAsync(string table, string chain, CancellationToken cancellationToken)
    {
        if (!(await RunAsync(["-t", table, "-S", chain], cancellationToken).ConfigureAwait(false)).Succeeded)
            await MustAsync(["-t", table, "-N", chain], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when the chain has no rule (or is not there).</summary>
    public async Task<bool> IsEmptyAsync(string table, string chain, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["-t", table, "-S", chain], cancellationToken).ConfigureAwait(false);
        return !result.Succeeded || !result.Output.Split('\n').Any(l => l.StartsWith("-A ", StringComparison.Ordinal));
    }

    /// <summary>Deletes the chain (<c>-X</c>) if it is there; false when iptables refuses (it has rules or something jumps to it).</summary>
    public async Task<bool> TryDeleteChainAsync(string table, string chain, CancellationToken cancellationToken)
    {
        if (!(await RunAsync(["-t", table, "-S", chain], cancellationToken).ConfigureAwait(false)).Succeeded) return true;
        return (await RunAsync(["-t", table, "-X", chain], cancellationToken).ConfigureAwait(false)).Succeeded;
    }

    /// <summary>Puts the rule first in its chain (<c>-I CHAIN 1</c>) unless it is there already, wherever it is.</summary>
    public async Task InsertFirstAsync(FirewallRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (!await ExistsAsync(rule, cancellationToken).ConfigureAwait(false))
            await MustAsync(["-t", rule.Table, "-I", rule.Chain, "1", .. rule.Specification], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends each rule that is not there yet.</summary>
    public async Task AddAsync(IEnumerable<FirewallRule> rules, CancellationToken cancellationToken)
    {
        foreach (var rule in rules)
        {
            if (!await ExistsAsync(rule, cancellationToken).ConfigureAwait(false))
                await MustAsync(rule.Arguments("-A"), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes each rule, every copy of it; a missing rule is no error.</summary>
    public async Task RemoveAsync(IEnumerable<FirewallRule> rules, CancellationToken cancellationToken)
    {
        foreach (var rule in rules)
        {
            // Bounded, in case a rule keeps being listed after its deletion.
            for (var copy = 0; copy < 16 && await ExistsAsync(rule, cancellationToken).ConfigureAwait(false); copy++)
                await MustAsync(rule.Arguments("-D"), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><c>iptables -P FORWARD DROP</c>: what Moby does when it turns IP forwarding on itself.</summary>
    public Task DropForwardedByDefaultAsync(CancellationToken cancellationToken) =>
        MustAsync(["-t", FirewallRule.Filter, "-P", Forward, "DROP"], cancellationToken);

    /// <summary>True when the rule is there (<c>-C</c> exits 0), false when it is not (exit 1).</summary>
    public async Task<bool> ExistsAsync(FirewallRule rule, CancellationToken cancellationToken)
    {
        var result = await RunAsync(rule.Arguments("-C"), cancellationToken).ConfigureAwait(false);
        return result.ExitCode switch
        {
            0 => true,
            1 => false,
            _ => throw Failure(result),
        };
    }

    private static FirewallRule Jump(string chain) => new(FirewallRule.Filter, Forward, $"-j {chain}");

    private async Task MustAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await RunAsync(arguments, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded) throw Failure(result);
    }

    private async Task<IptablesResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
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

    private static BerthException Failure(IptablesResult result) =>
        new(BerthErrorKind.System, $"bridge: {result.CommandLine} failed (exit {result.ExitCode}): {result.Error.Trim()}");
}
