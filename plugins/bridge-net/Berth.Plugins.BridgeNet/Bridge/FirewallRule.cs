namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>One iptables rule: its table, chain and match/target, in the order <c>iptables -S</c> prints them.</summary>
internal sealed record FirewallRule(string Table, string Chain, IReadOnlyList<string> Specification)
{
    public const string Filter = "filter";
    public const string Nat = "nat";

    public FirewallRule(string table, string chain, string specification)
        : this(table, chain, specification.Split(' ', StringSplitOptions.RemoveEmptyEntries))
    {
    }

    /// <summary>The arguments that run <paramref name="command"/> (<c>-C</c>, <c>-A</c>, <c>-D</c>) on this rule.</summary>
    public IReadOnlyList<string> Arguments(string command) => ["-t", Table, command, Chain, .. Specification];

    /// <summary>The line <c>iptables -t TABLE -S</c> prints for the rule.</summary>
    public string ListedAs => $"-A {Chain} {string.Join(' ', Specification)}";

    public bool Equals(FirewallRule? other) =>
        other is not null && Table == other.Table && Chain == other.Chain && Specification.SequenceEqual(other.Specification);

    public override int GetHashCode() => HashCode.Combine(Table, Chain, string.Join(' ', Specification));

    public override string ToString() => $"-t {Table} -A {ListedAs[3..]}";
}
