using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Cluster;

/// <summary>Three managers on loopback: spreading, leader failover with rescheduling, and a killed manager rejoining from its log.</summary>
[TestFixture]
public sealed class ThreeManagerTests
{
    [Test]
    public async Task KillLeader_NewLeaderAnswersAndTasksRunElsewhere_ThenNodeRejoinsFromItsLog()
    {
        await using var cluster = await SwarmCluster.StartAsync(3);
        await cluster.FormAsync(managers: 3);
        var nodes = await cluster.Docker(0, "node", "ls", "-q");
        Assert.That(nodes.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3), nodes.ToString());

        var create = await cluster.Docker(0, "service", "create", "--detach", "--name", "s", "--replicas", "6", SwarmCluster.Image, "sleep", "100000");
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        var running = await cluster.WaitForRunningAsync(0, "s", 6, TimeSpan.FromSeconds(60));
        Assert.That(running.GroupBy(n => n).Select(g => g.Count()), Is.All.EqualTo(2), string.Join(",", running));

        var leader = await cluster.LeaderAsync();
        Assert.That(leader, Is.GreaterThanOrEqualTo(0), "a leader is visible");
        await cluster.KillAsync(leader);
        var other = (leader + 1) % 3;
        // The dead node's tasks still read as running until the new leader marks it down (three missed heartbeats).
        Assert.That(await Processes.EventuallyAsync(async () =>
        {
            running = await cluster.RunningTaskNodesAsync(other, "s");
            return running.Count == 6 && !running.Contains(cluster.Hostname(leader));
        }, TimeSpan.FromSeconds(90)), $"rescheduled: {string.Join(",", running)}");
        var ls = await cluster.Docker(other, "service", "ls");
        Assert.That(ls.ExitCode, Is.Zero, ls.ToString());

        await cluster.RestartAsync(leader);
        Assert.That(await cluster.NodeShowsAsync(other, leader, TimeSpan.FromSeconds(60), "Ready Reachable"), "the killed manager is back without joining again");
        var fromRejoined = await cluster.Docker(leader, "service", "ls", "--format", "{{.Name}} {{.Replicas}}");
        Assert.That(fromRejoined.Stdout.Trim(), Is.EqualTo("s 6/6"), fromRejoined.ToString());
    }
}
