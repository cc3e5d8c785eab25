using System.Diagnostics;
using Berth.Plugins.BridgeNet;
using Berth.Sdk.Network;
using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests;

/// <summary>bridge-net's bridge driver against the network driver conformance kit, on real bridges and veths.</summary>
[TestFixture]
public sealed class BridgeNetworkConformanceTests : NetworkDriverConformance
{
    private static readonly string[] BaseChains = ["BERTH-ISOLATION", "BERTH-FORWARD"];

    private bool chainsWereThere;

    protected override Task<INetworkDriver> CreateNetworkDriverAsync(string root, CancellationToken ct) =>
        Task.FromResult<INetworkDriver>(new BridgeNetPlugin(ConformanceKernelHost.Context("bridge-net", root)));

    // A bridge name of the kit's own, so nothing is mistaken for a bridge of the host's.
    protected override IReadOnlyDictionary<string, string> NetworkOptions(int n) =>
        new Dictionary<string, string> { ["com.docker.network.bridge.name"] = $"bkit{n}" };

    [OneTimeSetUp]
    public async Task NoteFirewallChainsAsync()
    {
        if (Privileges.IsRoot) chainsWereThere = (await IptablesAsync("-S")).Contains("-N BERTH-FORWARD", StringComparison.Ordinal);
    }

    /// <summary>The driver's first network makes its base chains (as Moby's DOCKER chains); gone again once no rule uses them.</summary>
    [OneTimeTearDown]
    public async Task RemoveFirewallChainsAsync()
    {
        if (!Privileges.IsRoot || chainsWereThere) return;
        var rules = await IptablesAsync("-S");
        if (BaseChains.Any(chain => rules.Contains($"-A {chain} ", StringComparison.Ordinal))) return; // another daemon's networks use them
        foreach (var chain in BaseChains.Where(chain => rules.Contains($"-N {chain}", StringComparison.Ordinal)))
        {
            await IptablesAsync("-D", "FORWARD", "-j", chain);
            await IptablesAsync("-X", chain);
        }
    }

    private static async Task<string> IptablesAsync(params string[] args)
    {
        var start = new ProcessStartInfo("iptables") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var iptables = Process.Start(start)!;
        var output = await iptables.StandardOutput.ReadToEndAsync();
        await iptables.StandardError.ReadToEndAsync();
        await iptables.WaitForExitAsync();
        return output;
    }
}
