using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// One iptables rule: its table, chain and match/target, in the order and the form <c>iptables -S</c> and
/// <c>iptables-save</c> print them, so that a batch can find it in their output by its text (<see cref="Text"/>):
/// the addresses of <c>-s</c> and <c>-d</c> are written as iptables prints them, <c>10.1.0.0/24</c> for
/// <c>10.1.0.7/24</c>, <c>10.1.0.2/32</c> for <c>10.1.0.2</c>. The other words are taken as written; the rules of
/// <see cref="FirewallRules"/> and <see cref="Ports.PortRules"/> are written in that form (their tests check it
/// against a real iptables-save).
/// </summary>
internal sealed record FirewallRule(string Table, string Chain, IReadOnlyList<string> Specification)
{
    public const string Filter = "filter";
    public const string Nat = "nat";

    public FirewallRule(string table, string chain, string specification)
        : this(table, chain, specification.Split(' ', StringSplitOptions.RemoveEmptyEntries))
    {
    }

    public IReadOnlyList<string> Specification { get; init; } = Canonical(Specification);

    /// <summary>The match and target as one line, as iptables-save prints it after <c>-A CHAIN</c>.</summary>
    public string Text => string.Join(' ', Specification);

    /// <summary>The arguments that run <paramref name="command"/> (<c>-C</c>, <c>-A</c>, <c>-D</c>) on this rule.</summary>
    public IReadOnlyList<string> Arguments(string command) => ["-t", Table, command, Chain, .. Specification];

    /// <summary>The line <c>iptables -t TABLE -S</c> prints for the rule.</summary>
    public string ListedAs => $"-A {Chain} {Text}";

    public bool Equals(FirewallRule? other) =>
        other is not null && Table == other.Table && Chain == other.Chain && Specification.SequenceEqual(other.Specification);

    public override int GetHashCode() => HashCode.Combine(Table, Chain, Text);

    public override string ToString() => $"-t {Table} -A {ListedAs[3..]}";

    /// <summary>The words with the address after each <c>-s</c> and <c>-d</c> as iptables prints it: its network, with a prefix length.</summary>
    private static string[] Canonical(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var canonical = words.ToArray();
        for (var i = 1; i < canonical.Length; i++)
        {
            if (canonical[i - 1] is "-s" or "-d" && CanonicalAddress(canonical[i]) is { } address) canonical[i] = address;
        }
        return canonical;
    }

    private static string? CanonicalAddress(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var prefix = 32;
        if (slash >= 0 && !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix)) return null;
        if (!IPAddress.TryParse(slash >= 0 ? text.AsSpan(0, slash) : text.AsSpan(), out var address)
            || address.AddressFamily != AddressFamily.InterNetwork || prefix is < 0 or > 32 || text.Count(c => c == '.') != 3)
            return null;
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < 32; bit++) bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return $"{new IPAddress(bytes)}/{prefix.ToString(CultureInfo.InvariantCulture)}";
    }
}
