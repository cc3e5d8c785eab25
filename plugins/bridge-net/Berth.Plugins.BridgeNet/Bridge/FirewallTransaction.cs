using System.Text;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// The steps of one change to the firewall, each idempotent (a rule is appended only when it is not there, deleted
/// every copy of it, a chain made only when missing). <see cref="Firewall.ApplyAsync"/> gives a plan one of two:
/// <see cref="RestoreTransaction"/>, which decides every step against one <c>iptables-save</c> and applies them all
/// with one <c>iptables-restore</c>, or <see cref="RuleByRuleTransaction"/>, which checks and changes one rule per
/// iptables run, as the driver always did.
/// </summary>
internal abstract class FirewallTransaction
{
    private const string Forward = "FORWARD";

    /// <summary>
    /// Makes the chains BERTH-ISOLATION and BERTH-FORWARD and puts their jumps at the top of FORWARD, isolation
    /// first. When only one jump is there, both are put back in that order.
    /// </summary>
    public async Task EnsureChainsAsync()
    {
        foreach (var chain in new[] { FirewallRules.IsolationChain, FirewallRules.ForwardChain })
            await EnsureChainAsync(FirewallRule.Filter, chain).ConfigureAwait(false);
        var isolation = Jump(FirewallRules.IsolationChain);
        var forward = Jump(FirewallRules.ForwardChain);
        var hasIsolation = await ExistsAsync(isolation).ConfigureAwait(false);
        var hasForward = await ExistsAsync(forward).ConfigureAwait(false);
        if (hasIsolation && hasForward) return;
        if (hasIsolation) await RemoveAsync([isolation]).ConfigureAwait(false);
        await InsertAsync(forward).ConfigureAwait(false);
        await InsertAsync(isolation).ConfigureAwait(false);
    }

    /// <summary>Makes the chain <paramref name="chain"/> of <paramref name="table"/> unless it is there.</summary>
    public async Task EnsureChainAsync(string table, string chain)
    {
        if (!await HasChainAsync(table, chain).ConfigureAwait(false)) await NewChainAsync(table, chain).ConfigureAwait(false);
    }

    /// <summary>Puts the rule first in its chain (<c>-I CHAIN 1</c>) unless it is there already, wherever it is.</summary>
    public async Task InsertFirstAsync(FirewallRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (!await ExistsAsync(rule).ConfigureAwait(false)) await InsertAsync(rule).ConfigureAwait(false);
    }

    /// <summary>Appends each rule that is not there yet.</summary>
    public async Task AddAsync(IEnumerable<FirewallRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        foreach (var rule in rules)
        {
            if (!await ExistsAsync(rule).ConfigureAwait(false)) await AppendAsync(rule).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes each rule, every copy of it; a missing rule is no error.</summary>
    public async Task RemoveAsync(IEnumerable<FirewallRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        foreach (var rule in rules)
        {
            // Bounded, in case a rule keeps being listed after its deletion.
            for (var copy = 0; copy < 16 && await ExistsAsync(rule).ConfigureAwait(false); copy++)
                await DeleteAsync(rule).ConfigureAwait(false);
        }
    }

    /// <summary>True when the rule is there.</summary>
    public abstract Task<bool> ExistsAsync(FirewallRule rule);

    /// <summary>True when the chain has no rule (or is not there).</summary>
    public abstract Task<bool> IsEmptyAsync(string table, string chain);

    /// <summary>Deletes the chain (<c>-X</c>) if it is there; false when iptables refuses (it has rules or something jumps to it).</summary>
    public abstract Task<bool> TryDeleteChainAsync(string table, string chain);

    protected abstract Task<bool> HasChainAsync(string table, string chain);

    /// <summary><c>-N CHAIN</c>.</summary>
    protected abstract Task NewChainAsync(string table, string chain);

    /// <summary><c>-A CHAIN RULE</c>.</summary>
    protected abstract Task AppendAsync(FirewallRule rule);

    /// <summary><c>-I CHAIN 1 RULE</c>.</summary>
    protected abstract Task InsertAsync(FirewallRule rule);

    /// <summary><c>-D CHAIN RULE</c>: its first copy.</summary>
    protected abstract Task DeleteAsync(FirewallRule rule);

    private static FirewallRule Jump(string chain) => new(FirewallRule.Filter, Forward, $"-j {chain}");
}

/// <summary>
/// Decides every step against the tables one <c>iptables-save</c> printed (<see cref="IptablesSnapshot"/>, changed
/// as the steps go) and writes the commands for <c>iptables-restore --noflush</c>: per table touched, in the order
/// first touched, <c>*TABLE</c>, the commands in the order decided, <c>COMMIT</c>. Chains are made with <c>-N</c>, not
/// declared with <c>:CHAIN - [0:0]</c>, which under <c>--noflush</c> would empty a chain made meanwhile by someone
/// else; <c>-N</c> fails instead. Nothing runs until <see cref="Firewall.ApplyAsync"/> restores <see cref="Input"/>.
/// </summary>
internal sealed class RestoreTransaction(IptablesSnapshot snapshot) : FirewallTransaction
{
    private readonly List<(string Table, List<string> Commands)> tables = [];

    /// <summary>True when no step changes anything: there is nothing to restore.</summary>
    public bool IsEmpty => tables.Count == 0;

    /// <summary>The text for iptables-restore.</summary>
    public string Input
    {
        get
        {
            var input = new StringBuilder();
            foreach (var (table, commands) in tables)
            {
                input.Append('*').Append(table).Append('\n');
                foreach (var command in commands) input.Append(command).Append('\n');
                input.Append("COMMIT\n");
            }
            return input.ToString();
        }
    }

    /// <summary>The <paramref name="number"/>th line of <see cref="Input"/> (from 1), for error messages; null past its end.</summary>
    public string? Line(int number)
    {
        var lines = Input.Split('\n');
        return number >= 1 && number <= lines.Length ? lines[number - 1] : null;
    }

    public override Task<bool> ExistsAsync(FirewallRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return Task.FromResult(snapshot.Count(rule) > 0);
    }

    public override Task<bool> IsEmptyAsync(string table, string chain) => Task.FromResult(snapshot.Rules(table, chain).Count == 0);

    public override Task<bool> TryDeleteChainAsync(string table, string chain)
    {
        if (!snapshot.HasChain(table, chain)) return Task.FromResult(true);
        if (IptablesSnapshot.IsBuiltin(table, chain) || snapshot.Rules(table, chain).Count > 0 || snapshot.IsReferenced(table, chain))
            return Task.FromResult(false);
        Command(table, $"-X {chain}");
        snapshot.RemoveChain(table, chain);
        return Task.FromResult(true);
    }

    protected override Task<bool> HasChainAsync(string table, string chain) => Task.FromResult(snapshot.HasChain(table, chain));

    protected override Task NewChainAsync(string table, string chain)
    {
        Command(table, $"-N {chain}");
        snapshot.AddChain(table, chain);
        return Task.CompletedTask;
    }

    protected override Task AppendAsync(FirewallRule rule)
    {
        Command(rule.Table, $"-A {rule.Chain} {rule.Text}");
        snapshot.Append(rule);
        return Task.CompletedTask;
    }

    protected override Task InsertAsync(FirewallRule rule)
    {
        Command(rule.Table, $"-I {rule.Chain} 1 {rule.Text}");
        snapshot.InsertFirst(rule);
        return Task.CompletedTask;
    }

    protected override Task DeleteAsync(FirewallRule rule)
    {
        Command(rule.Table, $"-D {rule.Chain} {rule.Text}");
        snapshot.Remove(rule);
        return Task.CompletedTask;
    }

    private void Command(string table, string command)
    {
        var commands = tables.FirstOrDefault(t => t.Table == table).Commands;
        if (commands is null) tables.Add((table, commands = []));
        commands.Add(command);
    }
}

/// <summary>One iptables run per check (<c>-C</c>, <c>-S</c>) and per change, each applied at once.</summary>
internal sealed class RuleByRuleTransaction(Firewall firewall, CancellationToken cancellationToken) : FirewallTransaction
{
    public override async Task<bool> ExistsAsync(FirewallRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var result = await firewall.RunAsync(rule.Arguments("-C"), cancellationToken).ConfigureAwait(false);
        return result.ExitCode switch
        {
            0 => true,
            1 => false,
            _ => throw Firewall.Failure(result),
        };
    }

    public override async Task<bool> IsEmptyAsync(string table, string chain)
    {
        var result = await firewall.RunAsync(["-t", table, "-S", chain], cancellationToken).ConfigureAwait(false);
        return !result.Succeeded || !result.Output.Split('\n').Any(l => l.StartsWith("-A ", StringComparison.Ordinal));
    }

    public override async Task<bool> TryDeleteChainAsync(string table, string chain)
    {
        if (!await HasChainAsync(table, chain).ConfigureAwait(false)) return true;
        return (await firewall.RunAsync(["-t", table, "-X", chain], cancellationToken).ConfigureAwait(false)).Succeeded;
    }

    protected override async Task<bool> HasChainAsync(string table, string chain) =>
        (await firewall.RunAsync(["-t", table, "-S", chain], cancellationToken).ConfigureAwait(false)).Succeeded;

    protected override Task NewChainAsync(string table, string chain) => firewall.MustAsync(["-t", table, "-N", chain], cancellationToken);

    protected override Task AppendAsync(FirewallRule rule) => firewall.MustAsync(rule.Arguments("-A"), cancellationToken);

    protected override Task InsertAsync(FirewallRule rule) => firewall.MustAsync(["-t", rule.Table, "-I", rule.Chain, "1", .. rule.Specification], cancellationToken);

    protected override Task DeleteAsync(FirewallRule rule) => firewall.MustAsync(rule.Arguments("-D"), cancellationToken);
}
