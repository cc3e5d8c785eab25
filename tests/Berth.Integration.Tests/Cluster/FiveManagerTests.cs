using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Cluster;

/// <summary>
/// Five managers: two down (the leader among them) leave a quorum that elects a leader and takes writes; a third
/// down loses the quorum, so writes are refused with Docker's message and nothing of them is applied, while reads
/// still answer; the three coming back restore the quorum from their logs.
/// </summary>
[TestFixture]
public sealed class FiveManagerTests
{
    private const string NoLeader = "The swarm does not have a leader";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    [Test]
    public async Task TwoDown_QuorumHolds_ThreeDown_WritesRefusedReadsAnswer()
    {
        await using var cluster = await SwarmCluster.StartAsync(5);
        await cluster.FormAsync(managers: 5);
        var create = await cluster.Docker(0, "service", "create", "--detach", "--name", "before", "--replicas", "2", SwarmCluster.Image, "sleep", "100000");
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        await cluster.WaitForRunningAsync(0, "before", 2, Within);

        var leader = await cluster.LeaderAsync();
        Assert.That(leader, Is.GreaterThanOrEqualTo(0), "a leader is visible");
        var down = new List<int> { leader, (leader + 1) % 5 };
        foreach (var node in down)
            await cluster.KillAsync(node);
        var survivors = Enumerable.Range(0, 5).Except(down).ToList();
        Assert.That(await Processes.EventuallyAsync(async () => await cluster.LeaderAsync() is var l && survivors.Contains(l), Within),
            "a new leader among the three left");
        Assert.That(await WriteUntilAcceptedAsync(cluster, survivors[0], "during"), "a write with two of five down");
        await cluster.WaitForRunningAsync(survivors[1], "during", 1, Within);

        await cluster.KillAsync(survivors[0]);
        down.Add(survivors[0]);
        survivors.RemoveAt(0);
        // Reads answer from a manager's own copy while no leader can be elected. Until their election timeout the two
        // left still name the killed leader (and a write forwarded to it fails to connect), so wait until neither does.
        Assert.That(await Processes.EventuallyAsync(async () => !await cluster.ListsLeaderAsync(survivors[0]) && !await cluster.ListsLeaderAsync(survivors[1]), Within),
            "no leader with two of five");
        foreach (var node in survivors)
        {
            var ls = await cluster.Docker(node, "service", "ls", "--format", "{{.Name}}");
            Assert.That(ls.ExitCode, Is.Zero, ls.ToString());
            Assert.That(ls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EquivalentTo(new[] { "before", "during" }), ls.ToString());
            var nodes = await cluster.Docker(node, "node", "ls", "-q");
            Assert.That(nodes.ExitCode, Is.Zero, nodes.ToString());
            var refused = await cluster.Docker(node, "service", "create", "--detach", "--name", $"refused{node}", SwarmCluster.Image, "sleep", "100000");
            Assert.That(refused.ExitCode, Is.Not.Zero, refused.ToString());
            Assert.That(refused.Stderr, Does.Contain(NoLeader), refused.ToString());
            var secret = await Processes.RunAsync(DockerCli.Path, ["secret", "create", $"refused{node}", "-"], cluster[node].DockerEnv, stdin: "x");
            Assert.That(secret.Stderr, Does.Contain(NoLeader), secret.ToString());
        }

        foreach (var node in down)
            await cluster.RestartAsync(node);
        Assert.That(await Processes.EventuallyAsync(async () => await cluster.LeaderAsync() >= 0, Within), "a leader once the three are back");
        for (var node = 0; node < 5; node++)
        {
            var ls = await cluster.Docker(node, "service", "ls", "--format", "{{.Name}}");
            Assert.That(ls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EquivalentTo(new[] { "before", "during" }),
                $"node {node}: the refused writes left nothing behind; {ls}");
            var secrets = await cluster.Docker(node, "secret", "ls", "-q");
            Assert.That(secrets.Stdout.Trim(), Is.Empty, $"node {node}: {secrets}");
        }
        var after = await cluster.Docker(survivors[0], "service", "create", "--detach", "--name", "after", SwarmCluster.Image, "sleep", "100000");
        Assert.That(after.ExitCode, Is.Zero, after.ToString());
    }

    /// <summary>
    /// Right after an election a write may time out while the new leader settles, and may still commit after its
    /// answer (as with swarmkit's Raft); a later try then finds the name taken.
    /// </summary>
    private static Task<bool> WriteUntilAcceptedAsync(SwarmCluster cluster, int via, string name) =>
        Processes.EventuallyAsync(async () =>
        {
            var result = await cluster.Docker(via, "service", "create", "--detach", "--name", name, SwarmCluster.Image, "sleep", "100000");
            return result.ExitCode == 0 || result.Stderr.Contains("already exists", StringComparison.Ordinal);
        }, Within);
}
