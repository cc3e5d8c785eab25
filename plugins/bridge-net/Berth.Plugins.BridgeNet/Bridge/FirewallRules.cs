namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// The iptables rules of one bridge network, after Moby's bridge driver, in Berth's chains. The filter table's
/// FORWARD chain jumps first to <see cref="IsolationChain"/> (drops), then to <see cref="ForwardChain"/> (accepts).
/// <list type="bullet">
/// <item>nat POSTROUTING <c>-s SUBNET ! -o BR -j MASQUERADE</c> when masquerading and not internal;</item>
/// <item>BERTH-FORWARD <c>-o BR -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT</c> unless internal;</item>
/// <item>BERTH-FORWARD <c>-i BR -o BR -j ACCEPT</c> (<c>DROP</c> when icc is off);</item>
/// <item>BERTH-FORWARD <c>-i BR ! -o BR -j ACCEPT</c> unless internal;</item>
/// <item>BERTH-ISOLATION <c>-i BR ! -o BR -j DROP</c> and <c>! -i BR -o BR -j DROP</c> for an internal network;</item>
/// <item>BERTH-ISOLATION <c>-i BR -o OTHER -j DROP</c> and <c>-i OTHER -o BR -j DROP</c> for every other network's bridge.</item>
/// </list>
/// </summary>
internal static class FirewallRules
{
    public const string IsolationChain = "BERTH-ISOLATION";
    public const string ForwardChain = "BERTH-FORWARD";

    /// <summary>The rules <paramref name="network"/> needs, given the driver's <paramref name="others"/> networks.</summary>
    public static IReadOnlyList<FirewallRule> For(BridgeNetwork network, IEnumerable<BridgeNetwork> others)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(others);
        var bridge = network.BridgeName;
        var rules = new List<FirewallRule>();
        if (network.EnableMasquerade && !network.Internal && network.Subnet is { } subnet)
            rules.Add(new FirewallRule(FirewallRule.Nat, "POSTROUTING", $"-s {subnet} ! -o {bridge} -j MASQUERADE"));

        if (!network.Internal)
            rules.Add(new FirewallRule(FirewallRule.Filter, ForwardChain, $"-o {bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"));
        rules.Add(new FirewallRule(FirewallRule.Filter, ForwardChain, $"-i {bridge} -o {bridge} -j {(network.EnableIcc ? "ACCEPT" : "DROP")}"));
        if (!network.Internal)
            rules.Add(new FirewallRule(FirewallRule.Filter, ForwardChain, $"-i {bridge} ! -o {bridge} -j ACCEPT"));

        if (network.Internal)
        {
            rules.Add(new FirewallRule(FirewallRule.Filter, IsolationChain, $"-i {bridge} ! -o {bridge} -j DROP"));
            rules.Add(new FirewallRule(FirewallRule.Filter, IsolationChain, $"! -i {bridge} -o {bridge} -j DROP"));
        }
        foreach (var other in others.Select(o => o.BridgeName).Where(b => b != bridge).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            rules.Add(new FirewallRule(FirewallRule.Filter, IsolationChain, $"-i {bridge} -o {other} -j DROP"));
            rules.Add(new FirewallRule(FirewallRule.Filter, IsolationChain, $"-i {other} -o {bridge} -j DROP"));
        }
        return rules;
    }
}
