using System.Text;
using Berth.Plugins.BridgeNet.Bridge;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Support;

/// <summary>
/// An iptables that keeps its tables in memory and records every call: enough of -S, -N, -X, -C, -A, -I, -D and -P
/// (each after <c>-t TABLE</c>) for the firewall code, and iptables-save and iptables-restore (<c>--noflush</c>: each
/// table committed whole or not at all, stopping at the first failing line) unless <see cref="Batch"/> is off.
/// <see cref="FailOn"/> makes a matching call, or restore line, exit 4.
/// </summary>
internal sealed class FakeIptables : IIptables
{
    private static readonly string[] Tables = ["raw", "filter", "nat"];

    private Dictionary<(string Table, string Chain), List<string>> chains = new()
    {
        [("filter", "FORWARD")] = [],
        [("nat", "PREROUTING")] = [],
        [("nat", "OUTPUT")] = [],
        [("nat", "POSTROUTING")] = [],
        [("raw", "PREROUTING")] = [],
    };

    /// <summary>Every rule command run, one at a time or as a restore line, as <c>-t TABLE COMMAND…</c>.</summary>
    public List<string> Calls { get; } = [];

    /// <summary>Every process the firewall would have started: <c>iptables …</c>, <c>iptables-save</c>, <c>iptables-restore</c>.</summary>
    public List<string> Launches { get; } = [];

    /// <summary>The input of every iptables-restore, in order.</summary>
    public List<string> RestoreInputs { get; } = [];

    public Dictionary<string, string> Policies { get; } = new() { ["FORWARD"] = "ACCEPT" };

    /// <summary>A call whose joined arguments contain this text fails.</summary>
    public string? FailOn { get; set; }

    /// <summary>False: iptables-save and iptables-restore are not installed.</summary>
    public bool Batch { get; set; } = true;

    /// <summary>When set, iptables-save exits 1 with this message.</summary>
    public string? SaveFailure { get; set; }

    /// <summary>When set, iptables-save prints this instead of the tables.</summary>
    public string? SaveOutput { get; set; }

    /// <summary>Runs between iptables-save and the next iptables-restore, once: another program changing the tables meanwhile.</summary>
    public Action<FakeIptables>? BeforeNextRestore { get; set; }

    public bool CanBatch => Batch;

    public IReadOnlyList<string> Rules(string table, string chain) => chains.GetValueOrDefault((table, chain)) ?? [];

    public bool HasChain(string table, string chain) => chains.ContainsKey((table, chain));

    /// <summary>Runs an iptables command directly, unrecorded: what another program does.</summary>
    public void Run(params string[] arguments) => Execute(chains, arguments);

    public Task<IptablesResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var line = string.Join(' ', arguments);
        Calls.Add(line);
        Launches.Add("iptables " + line);
        var (exit, output, error) = Execute(chains, arguments);
        return Task.FromResult(new IptablesResult("iptables " + line, exit, output, error));
    }

    public Task<IptablesResult> SaveAsync(CancellationToken cancellationToken)
    {
        Launches.Add("iptables-save");
        if (!Batch) throw new IOException("could not run iptables-save: No such file or directory");
        if (SaveFailure is not null) return Task.FromResult(new IptablesResult("iptables-save", 1, "", SaveFailure));
        return Task.FromResult(new IptablesResult("iptables-save", 0, SaveOutput ?? Saved(), ""));
    }

    public Task<IptablesResult> RestoreAsync(string input, CancellationToken cancellationToken)
    {
        Launches.Add("iptables-restore");
        RestoreInputs.Add(input);
        if (!Batch) throw new IOException("could not run iptables-restore: No such file or directory");
        var before = BeforeNextRestore;
        BeforeNextRestore = null;
        before?.Invoke(this);
        string? table = null;
        Dictionary<(string Table, string Chain), List<string>>? pending = null;
        var number = 0;
        foreach (var line in input.Split('\n'))
        {
            number++;
            if (line.Length == 0 || line[0] == '#') continue;
            if (line[0] == '*')
            {
                table = line[1..];
                pending = Copy(chains);
                continue;
            }
            if (table is null || pending is null) return Restored(4, $"iptables-restore: line {number} failed: outside a table");
            if (line == "COMMIT")
            {
                chains = pending;
                table = null;
                continue;
            }
            Calls.Add($"-t {table} {line}");
            var (exit, _, error) = line[0] == ':'
                ? Declare(pending, table, line[1..].Split(' ')[0])
                : Execute(pending, ["-t", table, .. line.Split(' ')]);
            if (exit != 0) return Restored(exit == 4 ? 4 : 1, $"iptables-restore: line {number} failed: {error}");
        }
        return Restored(table is null ? 0 : 1, table is null ? "" : $"iptables-restore: COMMIT expected at line {number}");
    }

    /// <summary>What iptables-save prints for the tables.</summary>
    public string Saved()
    {
        var saved = new StringBuilder("# Generated by the fake iptables-save\n");
        foreach (var table in Tables)
        {
            var ofTable = chains.Where(c => c.Key.Table == table).ToList();
            if (ofTable.Count == 0) continue;
            saved.Append('*').Append(table).Append('\n');
            foreach (var ((_, chain), _) in ofTable)
                saved.Append(':').Append(chain).Append(' ').Append(IsBuiltin(chain) ? Policies.GetValueOrDefault(chain, "ACCEPT") : "-").Append(" [0:0]\n");
            foreach (var ((_, chain), rules) in ofTable)
                foreach (var rule in rules) saved.Append("-A ").Append(chain).Append(' ').Append(rule).Append('\n');
            saved.Append("COMMIT\n");
        }
        return saved.ToString();
    }

    private (int Exit, string Output, string Error) Execute(Dictionary<(string Table, string Chain), List<string>> tables, IReadOnlyList<string> arguments)
    {
        var line = string.Join(' ', arguments);
        if (FailOn is not null && line.Contains(FailOn, StringComparison.Ordinal)) return (4, "", "simulated failure");
        if (arguments.Count < 4 || arguments[0] != "-t") return (2, "", "the fake wants -t TABLE COMMAND CHAIN");
        var key = (arguments[1], arguments[3]);
        var spec = string.Join(' ', arguments.Skip(arguments[2] == "-I" ? 5 : 4));
        switch (arguments[2])
        {
            case "-S":
                if (!tables.TryGetValue(key, out var listed)) return (1, "", "No chain");
                return (0, string.Join('\n', listed.Select(r => $"-A {arguments[3]} {r}").Prepend($"-N {arguments[3]}")), "");
            case "-X":
                if (!tables.TryGetValue(key, out var deleted)) return (1, "", "No chain/target/match by that name.");
                if (deleted.Count > 0) return (1, "", "Directory not empty");
                if (tables.Where(c => c.Key.Table == arguments[1]).SelectMany(c => c.Value).Any(r => r.EndsWith($"-j {arguments[3]}", StringComparison.Ordinal)))
                    return (1, "", "Device or resource busy");
                tables.Remove(key);
                return (0, "", "");
            case "-N":
                if (!tables.TryAdd(key, [])) return (1, "", "Chain already exists.");
                return (0, "", "");
            case "-P":
                Policies[arguments[3]] = arguments[4];
                return (0, "", "");
        }
        if (!tables.TryGetValue(key, out var rules)) return (1, "", "No chain/target/match by that name.");
        switch (arguments[2])
        {
            case "-C":
                return (rules.Contains(spec) ? 0 : 1, "", "");
            case "-A":
                rules.Add(spec);
                return (0, "", "");
            case "-I":
                rules.Insert(int.Parse(arguments[4], System.Globalization.CultureInfo.InvariantCulture) - 1, spec);
                return (0, "", "");
            case "-D":
                return (rules.Remove(spec) ? 0 : 1, "", rules.Contains(spec) ? "" : "Bad rule (does a matching rule exist in that chain?).");
            default:
                return (2, "", "unknown command");
        }
    }

    /// <summary><c>:CHAIN - [0:0]</c> in a restore: makes the chain, or empties it when it is there (as with --noflush).</summary>
    private static (int Exit, string Output, string Error) Declare(Dictionary<(string Table, string Chain), List<string>> tables, string table, string chain)
    {
        tables[(table, chain)] = [];
        return (0, "", "");
    }

    private static Dictionary<(string Table, string Chain), List<string>> Copy(Dictionary<(string Table, string Chain), List<string>> tables) =>
        tables.ToDictionary(c => c.Key, c => c.Value.ToList());

    private static bool IsBuiltin(string chain) => chain is "INPUT" or "FORWARD" or "OUTPUT" or "PREROUTING" or "POSTROUTING";

    private static Task<IptablesResult> Restored(int exit, string error) => Task.FromResult(new IptablesResult("iptables-restore --noflush --wait", exit, "", error));
}
