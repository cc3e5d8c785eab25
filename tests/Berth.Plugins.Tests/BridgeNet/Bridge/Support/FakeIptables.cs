using Berth.Plugins.BridgeNet.Bridge;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Support;

/// <summary>
/// An iptables that keeps its tables in memory and records every call: enough of -S, -N, -X, -C, -A, -I, -D and -P
/// (each after <c>-t TABLE</c>) for the firewall code. <see cref="FailOn"/> makes a matching call exit 4.
/// </summary>
internal sealed class FakeIptables : IIptables
{
    private readonly Dictionary<(string Table, string Chain), List<string>> chains = new()
    {
        [("filter", "FORWARD")] = [],
        [("nat", "PREROUTING")] = [],
        [("nat", "OUTPUT")] = [],
        [("nat", "POSTROUTING")] = [],
        [("raw", "PREROUTING")] = [],
    };

    public List<string> Calls { get; } = [];

    public Dictionary<string, string> Policies { get; } = new() { ["FORWARD"] = "ACCEPT" };

    /// <summary>A call whose joined arguments contain this text fails.</summary>
    public string? FailOn { get; set; }

    public IReadOnlyList<string> Rules(string table, string chain) => chains.GetValueOrDefault((table, chain)) ?? [];

    public bool HasChain(string table, string chain) => chains.ContainsKey((table, chain));

    public Task<IptablesResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var line = string.Join(' ', arguments);
        Calls.Add(line);
        if (FailOn is not null && line.Contains(FailOn, StringComparison.Ordinal)) return Result(line, 4, "simulated failure");
        if (arguments.Count < 4 || arguments[0] != "-t") return Result(line, 2, "the fake wants -t TABLE COMMAND CHAIN");
        var key = (arguments[1], arguments[3]);
        var spec = string.Join(' ', arguments.Skip(arguments[2] == "-I" ? 5 : 4));
        switch (arguments[2])
        {
            case "-S":
                if (!chains.TryGetValue(key, out var listed)) return Result(line, 1, "No chain");
                return Task.FromResult(new IptablesResult("iptables " + line, 0, string.Join('\n', listed.Select(r => $"-A {arguments[3]} {r}").Prepend($"-N {arguments[3]}")), ""));
            case "-X":
                if (!chains.TryGetValue(key, out var deleted)) return Result(line, 1, "No chain/target/match by that name.");
                if (deleted.Count > 0) return Result(line, 1, "Directory not empty");
                chains.Remove(key);
                return Result(line, 0, "");
            case "-N":
                if (!chains.TryAdd(key, [])) return Result(line, 1, "Chain already exists.");
                return Result(line, 0, "");
            case "-P":
                Policies[arguments[3]] = arguments[4];
                return Result(line, 0, "");
        }
        if (!chains.TryGetValue(key, out var rules)) return Result(line, 1, "No chain/target/match by that name.");
        switch (arguments[2])
        {
            case "-C":
                return Result(line, rules.Contains(spec) ? 0 : 1, "");
            case "-A":
                rules.Add(spec);
                return Result(line, 0, "");
            case "-I":
                rules.Insert(int.Parse(arguments[4], System.Globalization.CultureInfo.InvariantCulture) - 1, spec);
                return Result(line, 0, "");
            case "-D":
                return Result(line, rules.Remove(spec) ? 0 : 1, "");
            default:
                return Result(line, 2, "unknown command");
        }
    }

    private static Task<IptablesResult> Result(string line, int exit, string error) => Task.FromResult(new IptablesResult("iptables " + line, exit, "", error));
}
