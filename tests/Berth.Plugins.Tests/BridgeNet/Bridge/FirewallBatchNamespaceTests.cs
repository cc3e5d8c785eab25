using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Berth.Plugins.BridgeNet.Bridge;
using Berth.Plugins.BridgeNet.Bridge.Ports;
using Berth.Plugins.Tests.BridgeNet.Bridge.Support;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Plugins.Tests.BridgeNet.Bridge;

/// <summary>
/// The batched firewall (one iptables-save, one iptables-restore per change) against the real iptables inside the
/// test's namespace: the rules are written exactly as iptables-save prints them, a batch leaves the very tables one
/// iptables per rule leaves, a restore that fails half-way is rolled back, and iptables-legacy works too.
/// </summary>
public partial class FirewallBatchNamespaceTests : NamespaceFixture
{
    private static readonly BridgeNetwork Network = new("n1", "berth-a", "10.77.0.9/24", "10.77.0.1/24", null, null, 1500,
        EnableIcc: true, EnableMasquerade: true, Internal: false, EnableIPv6: false, DefaultBridge: false, HostBindingIPv4: null,
        ContainerInterfacePrefix: "eth", CreatedBridge: true);

    [Test]
    public async Task GeneratedRules_AddedOneByOne_FoundInIptablesSaveAsWritten()
    {
        var others = new[] { Network with { Id = "n2", BridgeName = "berth-b", Subnet = "10.78.0.0/24" } };
        var ports = new[]
        {
            new PublishedPort("tcp", "0.0.0.0", 18080, "10.77.0.2", 80),
            new PublishedPort("udp", "10.77.0.1", 18053, "10.77.0.2", 53),
            new PublishedPort("sctp", "127.0.0.1", 18090, "10.77.0.3", 9000),
        };
        var rules = new[] { Network, Network with { EnableIcc = false, EnableMasquerade = false }, Network with { Internal = true } }
            .SelectMany(n => FirewallRules.For(n, others))
            .Concat(PortRules.Global).Append(PortRules.IsolationReturn).Concat(PortRules.ForBridge(Network)).Concat(PortRules.For(Network, ports))
            .Distinct().ToList();
        await new Firewall(new CountingIptables(HostIptables, batch: false)).ApplyAsync(r => PlanAsync(r, rules), CancellationToken.None);

        var saved = IptablesSnapshot.Parse((await HostIptables.SaveAsync(CancellationToken.None)).Output);

        Assert.That(rules.Where(r => saved.Count(r) != 1).Select(r => r.ToString()), Is.Empty, "not found by their text:\n" + saved);
        var again = new CountingIptables(HostIptables);
        await new Firewall(again).ApplyAsync(r => PlanAsync(r, rules), CancellationToken.None);
        Assert.That(again.Launches, Is.EqualTo(new[] { "iptables-save" }), "everything is there: nothing to restore");
    }

    [Test]
    public async Task Scenario_BatchAndRuleByRule_SameTablesAtEveryStep()
    {
        LoopbackUp();
        var ruleByRule = new CountingIptables(HostIptables, batch: false);
        var expected = await ScenarioAsync(NewDriver(ruleByRule), ruleByRule);
        await FlushAsync();

        var batch = new CountingIptables(HostIptables);
        var actual = await ScenarioAsync(NewDriver(batch), batch);

        Assert.That(actual.Tables, Is.EqualTo(expected.Tables));
        await TestContext.Out.WriteLineAsync("processes started, one iptables per rule: " + expected.Processes);
        await TestContext.Out.WriteLineAsync("processes started, batched:                " + actual.Processes);
        await TestContext.Out.WriteLineAsync("time, one iptables per rule: " + expected.Times);
        await TestContext.Out.WriteLineAsync("time, batched:                " + actual.Times);
        Assert.That(actual.Counts.Where(c => c.Key.StartsWith("program", StringComparison.Ordinal) || c.Key.StartsWith("revoke", StringComparison.Ordinal)).Select(c => c.Value),
            Has.All.EqualTo(2), actual.Processes);
        Assert.That(batch.Launches, Has.None.StartsWith("iptables -t"));
    }

    [Test]
    public async Task Program_RestoreRefusedInTheRawTable_NothingLeftBehind()
    {
        LoopbackUp();
        var driver = NewDriver(new FailingIptables(HostIptables, "-d 127.0.0.1/32 ! -i lo"));
        var network = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(network, generic: BridgeName("berth-a")), CancellationToken.None);
        var endpoint = NewId();
        await driver.CreateEndpointAsync(EndpointRequest(network, endpoint), CancellationToken.None);
        var before = await SavedAsync(HostIptables);

        var ex = await Wait.ThrowsAsync<BerthException>(() =>
            driver.ProgramExternalConnectivityAsync(network, endpoint, PortMap(new PortBinding(6, "", 80, "127.0.0.1", 18080, 0)), CancellationToken.None));

        Assert.That(ex.Message, Does.Contain("simulated failure"));
        Assert.That(await SavedAsync(HostIptables), Is.EqualTo(before));
    }

    [Test]
    public async Task ProgramAndRevoke_IptablesLegacy_PublishedAndGone()
    {
        if (new[] { "iptables-legacy", "iptables-legacy-save", "iptables-legacy-restore" }.Any(t => Tools.Find(t) is null)) Assert.Ignore("needs iptables-legacy");
        var legacy = new IptablesCommand(["nsenter", $"--net={HostNamespace}", "iptables-legacy"]);
        var counting = new CountingIptables(legacy);
        var driver = NewDriver(counting);
        var network = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(network, generic: BridgeName("berth-a")), CancellationToken.None);
        var endpoint = NewId();
        await driver.CreateEndpointAsync(EndpointRequest(network, endpoint), CancellationToken.None);
        var before = await SavedAsync(legacy);
        counting.Launches.Clear();

        await driver.ProgramExternalConnectivityAsync(network, endpoint, PortMap(new PortBinding(17, "", 53, "", 18053, 0)), CancellationToken.None);
        var published = await SavedAsync(legacy);
        await driver.RevokeExternalConnectivityAsync(network, endpoint, CancellationToken.None);

        Assert.That(published, Does.Contain("-A BERTH -p udp -m udp --dport 18053 -j DNAT --to-destination 10.77.0.2:53"));
        Assert.That(await SavedAsync(legacy), Is.EqualTo(before));
        Assert.That(counting.Launches, Is.EqualTo(new[] { "iptables-save", "iptables-restore", "iptables-save", "iptables-restore" }));
    }

    private sealed record Outcome(IReadOnlyList<string> Tables, IReadOnlyDictionary<string, int> Counts, string Times)
    {
        public string Processes => string.Join(", ", Counts.Select(c => $"{c.Key} {c.Value}"));
    }

    /// <summary>
    /// Two networks (so isolation rules), three endpoints, ports published on every address, on the bridge's address and
    /// on 127.0.0.1, revoked one by one, the networks deleted; the tables saved after each step, the processes counted.
    /// </summary>
    private async Task<Outcome> ScenarioAsync(BridgeDriver driver, CountingIptables counting)
    {
        var tables = new List<string>();
        var counts = new Dictionary<string, int>();
        var times = new List<string>();
        async Task StepAsync(string name, Func<Task> step)
        {
            counting.Launches.Clear();
            var clock = Stopwatch.StartNew();
            await step();
            times.Add($"{name} {clock.Elapsed.TotalMilliseconds:F0} ms");
            counts[name] = counting.Launches.Count;
            tables.Add($"after {name}:\n{await SavedAsync(HostIptables)}");
        }

        var (blue, green) = (NewId(), NewId());
        var (e1, e2, e3) = (NewId(), NewId(), NewId());
        await StepAsync("create network", () => driver.CreateNetworkAsync(NetworkRequest(blue, generic: BridgeName("berth-a")), CancellationToken.None));
        await StepAsync("create another network", () => driver.CreateNetworkAsync(NetworkRequest(green, subnet: "10.78.0.0/24", gateway: "10.78.0.1/24", generic: BridgeName("berth-b")), CancellationToken.None));
        await driver.CreateEndpointAsync(EndpointRequest(blue, e1, "10.77.0.2/24"), CancellationToken.None);
        await driver.CreateEndpointAsync(EndpointRequest(blue, e2, "10.77.0.3/24"), CancellationToken.None);
        await driver.CreateEndpointAsync(EndpointRequest(green, e3, "10.78.0.2/24"), CancellationToken.None);
        await StepAsync("program", () => driver.ProgramExternalConnectivityAsync(blue, e1,
            PortMap(new PortBinding(6, "", 80, "", 18080, 0), new PortBinding(17, "", 53, "", 18053, 0)), CancellationToken.None));
        await StepAsync("program on the same bridge", () => driver.ProgramExternalConnectivityAsync(blue, e2,
            PortMap(new PortBinding(6, "", 80, "10.77.0.1", 18081, 0)), CancellationToken.None));
        await StepAsync("program on another bridge", () => driver.ProgramExternalConnectivityAsync(green, e3,
            PortMap(new PortBinding(6, "", 80, "127.0.0.1", 18082, 0)), CancellationToken.None));
        await StepAsync("revoke", () => driver.RevokeExternalConnectivityAsync(blue, e2, CancellationToken.None));
        await StepAsync("revoke the bridge's last", () => driver.RevokeExternalConnectivityAsync(blue, e1, CancellationToken.None));
        await StepAsync("revoke the host's last", () => driver.RevokeExternalConnectivityAsync(green, e3, CancellationToken.None));
        await StepAsync("program again", () => driver.ProgramExternalConnectivityAsync(green, e3,
            PortMap(new PortBinding(6, "", 80, "127.0.0.1", 18082, 0)), CancellationToken.None));
        await StepAsync("delete network with published ports", () => driver.DeleteNetworkAsync(green, CancellationToken.None));
        await StepAsync("delete network", () => driver.DeleteNetworkAsync(blue, CancellationToken.None));
        return new Outcome(tables, counts, string.Join(", ", times));
    }

    /// <summary>
    /// Every table as iptables-save prints it, without its comments and counters, nor the tables with no rule, no chain
    /// of their own and every policy ACCEPT (a table once loaded stays, empty).
    /// </summary>
    private static async Task<string> SavedAsync(IIptables iptables)
    {
        var saved = await iptables.SaveAsync(CancellationToken.None);
        Assert.That(saved.ExitCode, Is.Zero, saved.Error);
        var tables = new List<string>();
        List<string>? table = null;
        foreach (var line in saved.Output.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => Counters().Replace(l, "")))
        {
            if (line.StartsWith('*')) table = [line];
            else if (line == "COMMIT" && table is not null)
            {
                if (table.Count > 1) tables.Add(string.Join('\n', table));
                table = null;
            }
            else if (!line.StartsWith(':') || !line.EndsWith(" ACCEPT", StringComparison.Ordinal)) table?.Add(line);
        }
        return string.Join('\n', tables);
    }

    /// <summary>What a reboot leaves: no rule, no chain of the driver's.</summary>
    private async Task FlushAsync()
    {
        foreach (var table in new[] { "filter", "nat", "raw" })
        {
            foreach (var command in new[] { "-F", "-X" })
                Assert.That((await HostIptables.RunAsync(["-t", table, command], CancellationToken.None)).ExitCode, Is.Zero);
        }
    }

    private void LoopbackUp() => Host.SetUp(Host.GetIndex("lo")!.Value);

    private static async Task PlanAsync(FirewallTransaction rules, IReadOnlyList<FirewallRule> all)
    {
        await rules.EnsureChainsAsync();
        await rules.EnsureChainAsync(FirewallRule.Nat, PortRules.NatChain);
        await rules.AddAsync(all);
    }

    private static Dictionary<string, JsonElement> PortMap(params PortBinding[] bindings) => new()
    {
        [EndpointOptions.PortMap] = JsonSerializer.SerializeToElement(bindings),
        [EndpointOptions.ExposedPorts] = JsonSerializer.SerializeToElement(bindings.Select(b => new ExposedPort(b.Proto, b.Port)).Distinct()),
    };

    [GeneratedRegex(@" \[\d+:\d+\]$")]
    private static partial Regex Counters();
}
