namespace Berth.Plugins.BridgeNet.Bridge;

/// <summary>
/// The chains and rules of every table as one <c>iptables-save</c> printed them, kept in the order they are in, and
/// changed as a batch of commands would change them (so later decisions of the same batch see earlier ones). A rule
/// is its text after <c>-A CHAIN</c>, compared exactly: <see cref="FirewallRule"/> writes its specifications the way
/// iptables prints them. A table iptables-save did not print (not loaded yet) has its built-in chains, empty.
/// </summary>
internal sealed class IptablesSnapshot
{
    private static readonly Dictionary<string, string[]> BuiltinChains = new(StringComparer.Ordinal)
    {
        ["filter"] = ["INPUT", "FORWARD", "OUTPUT"],
        ["nat"] = ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        ["raw"] = ["PREROUTING", "OUTPUT"],
        ["mangle"] = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        ["security"] = ["INPUT", "FORWARD", "OUTPUT"],
    };

    private readonly Dictionary<(string Table, string Chain), List<string>> chains = [];

    private IptablesSnapshot()
    {
    }

    /// <summary>Reads iptables-save's output: <c>*TABLE</c>, <c>:CHAIN POLICY [packets:bytes]</c>, <c>-A CHAIN SPEC</c>, <c>COMMIT</c>; comments and blank lines are skipped.</summary>
    /// <exception cref="FormatException">A line is none of these, or a chain or rule comes before its table.</exception>
    public static IptablesSnapshot Parse(string saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        var snapshot = new IptablesSnapshot();
        string? table = null;
        var number = 0;
        foreach (var raw in saved.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#') continue;
            if (line[0] == '*')
            {
                table = line[1..].Trim();
                continue;
            }
            if (line == "COMMIT")
            {
                table = null;
                continue;
            }
            if (table is null) throw new FormatException($"iptables-save line {number} is outside a table: {line}");
            if (line[0] == ':')
            {
                var name = line[1..].Split(' ', 2)[0];
                if (name.Length == 0) throw new FormatException($"iptables-save line {number} names no chain: {line}");
                snapshot.chains.TryAdd((table, name), []);
                continue;
            }
            if (!line.StartsWith("-A ", StringComparison.Ordinal)) throw new FormatException($"iptables-save line {number} is not understood: {line}");
            var words = line.Split(' ', 3);
            if (words.Length < 2 || words[1].Length == 0) throw new FormatException($"iptables-save line {number} names no chain: {line}");
            snapshot.RulesOf(table, words[1]).Add(words.Length == 3 ? words[2] : "");
        }
        return snapshot;
    }

    public static bool IsBuiltin(string table, string chain) =>
        BuiltinChains.TryGetValue(table, out var builtin) && builtin.Contains(chain, StringComparer.Ordinal);

    public bool HasChain(string table, string chain) => IsBuiltin(table, chain) || chains.ContainsKey((table, chain));

    /// <summary>The chain's rules in order (their text after <c>-A CHAIN</c>); none for a chain that is not there.</summary>
    public IReadOnlyList<string> Rules(string table, string chain) => chains.GetValueOrDefault((table, chain)) ?? [];

    /// <summary>How many copies of <paramref name="rule"/> its chain has.</summary>
    public int Count(FirewallRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var text = rule.Text;
        return Rules(rule.Table, rule.Chain).Count(r => r == text);
    }

    /// <summary>True when a rule of the table jumps (<c>-j</c>) or goes (<c>-g</c>) to <paramref name="chain"/>.</summary>
    public bool IsReferenced(string table, string chain) =>
        chains.Where(c => c.Key.Table == table).SelectMany(c => c.Value).Any(rule => Targets(rule, chain));

    public void AddChain(string table, string chain) => chains.TryAdd((table, chain), []);

    public void RemoveChain(string table, string chain) => chains.Remove((table, chain));

    public void Append(FirewallRule rule) => RulesOf(rule.Table, rule.Chain).Add(rule.Text);

    public void InsertFirst(FirewallRule rule) => RulesOf(rule.Table, rule.Chain).Insert(0, rule.Text);

    /// <summary>Removes the first copy of the rule, as <c>-D</c> does.</summary>
    public void Remove(FirewallRule rule) => RulesOf(rule.Table, rule.Chain).Remove(rule.Text);

    /// <summary>Every chain and rule, <c>-N</c> and <c>-A</c> lines per table in a stable order (for tests and comparisons).</summary>
    public override string ToString() =>
        string.Join('\n', chains.OrderBy(c => c.Key.Table, StringComparer.Ordinal).ThenBy(c => c.Key.Chain, StringComparer.Ordinal)
            .SelectMany(c => c.Value.Select(r => $"-t {c.Key.Table} -A {c.Key.Chain} {r}").Prepend($"-t {c.Key.Table} -N {c.Key.Chain}")));

    private List<string> RulesOf(string table, string chain)
    {
        if (!chains.TryGetValue((table, chain), out var rules)) chains[(table, chain)] = rules = [];
        return rules;
    }

    private static bool Targets(string rule, string chain)
    {
        var words = rule.Split(' ');
        for (var i = 0; i + 1 < words.Length; i++)
        {
            if (words[i] is "-j" or "-g" or "--jump" or "--goto" && words[i + 1] == chain) return true;
        }
        return false;
    }
}
