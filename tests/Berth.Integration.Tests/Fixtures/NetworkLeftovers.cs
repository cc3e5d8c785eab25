using System.Text.Json;

namespace Berth.Integration.Tests.Fixtures;

/// <summary>
/// The host-side network state a test daemon's bridge networks make and a daemon stop keeps (as Moby keeps docker0):
/// the Linux bridges and the iptables rules that name them or their subnets. Read from the daemon before it stops,
/// removed after.
/// </summary>
public sealed class NetworkLeftovers
{
    private readonly List<(string Bridge, string Subnet)> bridges = [];

    /// <summary>A bridge to remove with every rule naming it, whatever its subnet.</summary>
    public void Add(string bridge) => bridges.Add((bridge, "\0"));

    /// <summary>Notes the bridges and subnets of every bridge-driver network the daemon has (none when it does not answer).</summary>
    public static async Task<NetworkLeftovers> CollectAsync(BerthdInstance daemon)
    {
        var leftovers = new NetworkLeftovers();
        var ids = await daemon.DockerAsync("network", "ls", "-q", "--filter", "driver=bridge", "--no-trunc");
        if (ids.ExitCode != 0) return leftovers;
        foreach (var id in ids.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var inspect = await daemon.DockerAsync("network", "inspect", id);
            if (inspect.ExitCode != 0) continue;
            using var json = JsonDocument.Parse(inspect.Stdout);
            var network = json.RootElement[0];
            var bridge = network.GetProperty("Options").TryGetProperty("com.docker.network.bridge.name", out var name) ? name.GetString()! : "br-" + id[..12];
            foreach (var config in network.GetProperty("IPAM").GetProperty("Config").EnumerateArray())
                leftovers.bridges.Add((bridge, config.GetProperty("Subnet").GetString()!));
        }
        return leftovers;
    }

    public async Task RemoveAsync()
    {
        foreach (var table in new[] { "filter", "nat" })
        {
            var rules = await Processes.RunAsync("iptables", ["-t", table, "-S"]);
            foreach (var rule in rules.Stdout.Split('\n').Where(r => r.StartsWith("-A ", StringComparison.Ordinal) && Mentions(r)))
                await Processes.RunAsync("sh", ["-c", $"iptables -t {table} {"-D " + rule[3..]}"]);
        }
        foreach (var bridge in bridges.Select(b => b.Bridge).Distinct())
            await Processes.RunAsync("ip", ["link", "delete", bridge]);
        await RemoveEmptyChainsAsync();
    }

    /// <summary>The bridge-net plugin's chains, once no network of any daemon has a rule in them.</summary>
    private static async Task RemoveEmptyChainsAsync()
    {
        var nat = (await Processes.RunAsync("iptables", ["-t", "nat", "-S"])).Stdout;
        if (nat.Contains("-N BERTH\n", StringComparison.Ordinal) && !nat.Contains("-A BERTH ", StringComparison.Ordinal))
        {
            foreach (var chain in new[] { "PREROUTING", "OUTPUT" })
                await Processes.RunAsync("iptables", ["-t", "nat", "-D", chain, "-m", "addrtype", "--dst-type", "LOCAL", "-j", "BERTH"]);
            await Processes.RunAsync("iptables", ["-D", "BERTH-ISOLATION", "-m", "conntrack", "--ctstate", "DNAT", "-j", "RETURN"]);
            await Processes.RunAsync("iptables", ["-t", "nat", "-X", "BERTH"]);
        }
        var rules = (await Processes.RunAsync("iptables", ["-S"])).Stdout;
        if (rules.Contains("-A BERTH-FORWARD ", StringComparison.Ordinal) || rules.Contains("-A BERTH-ISOLATION ", StringComparison.Ordinal)) return;
        foreach (var chain in new[] { "BERTH-ISOLATION", "BERTH-FORWARD" })
        {
            if (!rules.Contains($"-N {chain}", StringComparison.Ordinal)) continue;
            await Processes.RunAsync("iptables", ["-D", "FORWARD", "-j", chain]);
            await Processes.RunAsync("iptables", ["-X", chain]);
        }
    }

    private bool Mentions(string rule) =>
        bridges.Any(b => rule.Contains($" {b.Bridge} ", StringComparison.Ordinal) || rule.EndsWith($" {b.Bridge}", StringComparison.Ordinal)
            || rule.Contains(b.Subnet, StringComparison.Ordinal) || TranslatesInto(rule, b.Subnet));

    /// <summary>A published port's DNAT rule whose container address is in <paramref name="subnet"/>.</summary>
    private static bool TranslatesInto(string rule, string subnet)
    {
        const string To = "--to-destination ";
        var at = rule.IndexOf(To, StringComparison.Ordinal);
        if (at < 0 || !global::System.Net.IPNetwork.TryParse(subnet, out var network)) return false;
        var target = rule[(at + To.Length)..].Split(' ')[0];
        var colon = target.LastIndexOf(':');
        return global::System.Net.IPAddress.TryParse(colon < 0 ? target : target[..colon], out var address) && network.Contains(address);
    }
}
