using System.Globalization;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Cluster;

/// <summary>
/// Several berthd on this machine as the hosts of one swarm: each in its own UTS namespace (its own hostname),
/// with its own data root, socket and swarm port on 127.0.0.1, no default bridge, the busybox image imported.
/// </summary>
public sealed class SwarmCluster : IAsyncDisposable
{
    public const string Image = "bb:1";

    private readonly List<BerthdInstance?> nodes = [];
    private readonly List<int> ports = [];
    private readonly List<string> roots = [];
    private readonly string prefix = "sw" + Guid.NewGuid().ToString("N")[..6];

    public int Count => nodes.Count;

    public BerthdInstance this[int index] => nodes[index] ?? throw new InvalidOperationException($"node {index} is stopped");

    public string Hostname(int index) => $"{prefix}-node{index}";

    public string SwarmAddress(int index) => $"127.0.0.1:{ports[index]}";

    public bool IsRunning(int index) => nodes[index] is not null;

    public static async Task<SwarmCluster> StartAsync(int count)
    {
        var cluster = new SwarmCluster();
        try
        {
            for (var i = 0; i < count; i++)
                await cluster.AddNodeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task<int> AddNodeAsync()
    {
        var index = nodes.Count;
        var root = Directory.CreateTempSubdirectory("berth-swarm.").FullName;
        roots.Add(root);
        ports.Add(HostPorts.Free());
        nodes.Add(await BerthdInstance.StartAsHostAsync(root, Hostname(index), "--bridge", "none"));
        var import = await this[index].DockerAsync("import", TestImages.BusyboxRootfsTar, Image);
        Assert.That(import.ExitCode, Is.Zero, import.ToString());
        return index;
    }

    public Task<CommandResult> Docker(int index, params string[] args) => this[index].DockerAsync(args);

    public async Task InitAsync(int index, params string[] extra)
    {
        var init = await OnAFreePortAsync(index, () => Docker(index, ["swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", SwarmAddress(index), .. extra]));
        Assert.That(init.ExitCode, Is.Zero, init.ToString());
    }

    public async Task<string> JoinTokenAsync(int manager, string role)
    {
        var token = await Docker(manager, "swarm", "join-token", "-q", role);
        Assert.That(token.ExitCode, Is.Zero, token.ToString());
        return token.Stdout.Trim();
    }

    public Task<CommandResult> JoinAsync(int index, string token, int via) =>
        OnAFreePortAsync(index, () => Docker(index, "swarm", "join", "--token", token, "--advertise-addr", "127.0.0.1", "--listen-addr", SwarmAddress(index), SwarmAddress(via)));

    /// <summary>
    /// The node's swarm port was free when the node started; by its init or join an outgoing connection may have taken
    /// it (both come from the ephemeral range). Then it tries again on another free port.
    /// </summary>
    private async Task<CommandResult> OnAFreePortAsync(int index, Func<Task<CommandResult>> listen)
    {
        var result = await listen();
        for (var retry = 0; retry < 3 && result.Stderr.Contains("address already in use", StringComparison.OrdinalIgnoreCase); retry++)
        {
            ports[index] = HostPorts.Free();
            result = await listen();
        }
        return result;
    }

    /// <summary>A swarm of <paramref name="managers"/> managers then <paramref name="workers"/> workers, node 0 first.</summary>
    public async Task FormAsync(int managers, int workers = 0)
    {
        await InitAsync(0);
        var managerToken = await JoinTokenAsync(0, "manager");
        var workerToken = await JoinTokenAsync(0, "worker");
        for (var i = 1; i < managers + workers; i++)
        {
            var join = await JoinAsync(i, i < managers ? managerToken : workerToken, 0);
            Assert.That(join.ExitCode, Is.Zero, join.ToString());
        }
    }

    /// <summary>The node whose own view says it leads, or -1.</summary>
    public async Task<int> LeaderAsync()
    {
        for (var i = 0; i < Count; i++)
        {
            if (!IsRunning(i))
                continue;
            var ls = await Docker(i, "node", "ls", "--format", "{{.Self}} {{.ManagerStatus}}");
            if (ls.Stdout.Split('\n').Any(l => l.Trim() == "true Leader"))
                return i;
        }
        return -1;
    }

    /// <summary>True when <paramref name="via"/> lists some node, itself or another, as the leader.</summary>
    public async Task<bool> ListsLeaderAsync(int via)
    {
        var ls = await Docker(via, "node", "ls", "--format", "{{.ManagerStatus}}");
        return ls.Stdout.Split('\n').Any(l => l.Trim() == "Leader");
    }

    /// <summary>Tasks desired running and running, by node hostname, as <c>docker service ps</c> shows them from <paramref name="via"/>.</summary>
    public async Task<IReadOnlyList<string>> RunningTaskNodesAsync(int via, string service)
    {
        var ps = await Docker(via, "service", "ps", service, "--filter", "desired-state=running", "--format", "{{.CurrentState}}|{{.Node}}");
        return ps.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('|')).Where(p => p.Length == 2 && p[0].StartsWith("Running", StringComparison.Ordinal)).Select(p => p[1].Trim()).ToList();
    }

    /// <summary>Polls until <paramref name="via"/> lists the node with one of the accepted "Status ManagerStatus" pairs, e.g. "Ready Reachable".</summary>
    public Task<bool> NodeShowsAsync(int via, int node, TimeSpan within, params string[] accepted) =>
        Processes.EventuallyAsync(async () =>
        {
            var status = await Docker(via, "node", "ls", "--filter", $"name={Hostname(node)}", "--format", "{{.Status}} {{.ManagerStatus}}");
            return accepted.Contains(status.Stdout.Trim());
        }, within);

    /// <summary>Polls until <paramref name="via"/> sees <paramref name="expected"/> tasks of the service running.</summary>
    public async Task<IReadOnlyList<string>> WaitForRunningAsync(int via, string service, int expected, TimeSpan within)
    {
        IReadOnlyList<string> running = [];
        Assert.That(await Processes.EventuallyAsync(async () => (running = await RunningTaskNodesAsync(via, service)).Count == expected, within),
            $"{expected} tasks of {service} running, saw: {string.Join(",", running)}");
        return running;
    }

    /// <summary>kill -9, keeping the node's data for a restart.</summary>
    public async Task KillAsync(int index)
    {
        var node = this[index];
        _ = await Processes.RunAsync("kill", ["-KILL", node.Pid.ToString(CultureInfo.InvariantCulture)]);
        // Not disposed: that would delete the root the node restarts from; its containers are removed with the cluster.
        await node.StopAsync();
        nodes[index] = null;
    }

    /// <summary>SIGTERM, keeping the node's data for a restart.</summary>
    public async Task StopAsync(int index)
    {
        await this[index].StopAsync();
        nodes[index] = null;
    }

    public async Task RestartAsync(int index)
    {
        nodes[index] = await BerthdInstance.StartAsHostAsync(roots[index], Hostname(index), "--bridge", "none");
    }

    /// <summary>
    /// Stops every node; the tail of each node's swarm log goes to the test's output (shown when the test failed), so a
    /// failure on a loaded CI machine can be read afterwards.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var (node, index) in nodes.Select((n, i) => (n, i)).Where(p => p.n is not null))
        {
            await RemoveNetworksAsync(node!);
            var log = await node!.StopAsync();
            var swarm = log.Split('\n').Where(l => l.Contains("swarm", StringComparison.OrdinalIgnoreCase) || l.Contains("raft", StringComparison.OrdinalIgnoreCase)).TakeLast(60);
            await TestContext.Out.WriteLineAsync($"--- {Hostname(index)}: last swarm log lines ---\n{string.Join('\n', swarm)}");
            await node.DisposeAsync();
        }
        await ContainerLeftoversOf(roots);
    }

    /// <summary>
    /// A node-local network a test made outlives its daemon (as Moby's do), and its data root goes: its bridge and
    /// rules would stay on this host. So the daemon removes them: it leaves the swarm (its agent stops recreating task
    /// containers), its containers go, then its unused networks.
    /// </summary>
    private static async Task RemoveNetworksAsync(BerthdInstance node)
    {
        var custom = await node.DockerAsync("network", "ls", "-q", "--filter", "type=custom");
        if (custom.ExitCode != 0 || custom.Stdout.Trim().Length == 0) return;
        await node.DockerAsync("swarm", "leave", "--force");
        var containers = (await node.DockerAsync("ps", "-aq")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (containers.Length > 0) await node.DockerAsync(["rm", "-f", .. containers]);
        var pruned = await node.DockerAsync("network", "prune", "-f");
        if (pruned.ExitCode != 0) await TestContext.Out.WriteLineAsync($"clean-up: network prune failed: {pruned}");
    }

    private static async Task ContainerLeftoversOf(IEnumerable<string> roots)
    {
        foreach (var root in roots)
        {
            await ContainerLeftovers.RemoveAsync(root);
            if (Directory.Exists(root))
                Directory.Delete(root, recursive: true);
        }
    }
}
