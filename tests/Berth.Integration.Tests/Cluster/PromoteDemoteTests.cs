using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Cluster;

/// <summary>
/// <c>docker node promote</c> and <c>demote</c>: a worker becomes a reachable manager that answers the control API and
/// survives a restart as one, services keep running, a demoted manager is a worker again, and the last manager stays.
/// </summary>
[TestFixture]
public sealed class PromoteDemoteTests
{
    // As FiveManagerTests: a leadership hand-over and a role change each take several election and heartbeat periods,
    // which stretch on a loaded two-CPU machine.
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    [Test]
    public async Task PromoteWorker_ReachableManager_ThenDemoteBackToWorker()
    {
        await using var cluster = await SwarmCluster.StartAsync(3);
        await cluster.FormAsync(managers: 1, workers: 2);
        var create = await cluster.Docker(0, "service", "create", "--detach", "--name", "s", "--replicas", "3", SwarmCluster.Image, "sleep", "100000");
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        await cluster.WaitForRunningAsync(0, "s", 3, Within);

        var promote = await cluster.Docker(0, "node", "promote", cluster.Hostname(1));
        Assert.That(promote.ExitCode, Is.Zero, promote.ToString());
        Assert.That(await cluster.NodeShowsAsync(0, 1, Within, "Ready Reachable"), "the promoted node is a reachable manager");
        CommandResult ls = null!;
        Assert.That(await Processes.EventuallyAsync(async () => (ls = await cluster.Docker(1, "service", "ls", "--format", "{{.Name}} {{.Replicas}}")).Stdout.Trim() == "s 3/3", Within),
            $"the promoted node answers the control API: {ls}");
        var info = await cluster.Docker(1, "info", "--format", "{{.Swarm.ControlAvailable}} {{.Swarm.Managers}}");
        Assert.That(info.Stdout.Trim(), Is.EqualTo("true 2"), info.ToString());

        // A restart resumes it as a manager, from its own raft log.
        await cluster.StopAsync(1);
        await cluster.RestartAsync(1);
        Assert.That(await cluster.NodeShowsAsync(0, 1, Within, "Ready Reachable"), "the promoted node came back as a manager");
        Assert.That(await Processes.EventuallyAsync(async () => (await cluster.Docker(1, "service", "ls", "-q")).ExitCode == 0, Within), "and answers after its restart");
        await cluster.WaitForRunningAsync(1, "s", 3, Within);
        // Two managers need both for a quorum: the restart left them without a leader until they elect one again.
        Assert.That(await Processes.EventuallyAsync(async () => await cluster.LeaderAsync() >= 0, Within), "a leader after the restart");

        var demote = await cluster.Docker(0, "node", "demote", cluster.Hostname(1));
        Assert.That(demote.ExitCode, Is.Zero, demote.ToString());
        CommandResult worker = null!;
        Assert.That(await Processes.EventuallyAsync(async () => (worker = await cluster.Docker(1, "service", "ls")).Stderr.Contains("This node is not a swarm manager", StringComparison.Ordinal), Within),
            $"the demoted node refuses the control API: {worker}");
        var role = await cluster.Docker(0, "node", "inspect", "--format", "{{.Spec.Role}} {{if .ManagerStatus}}manager-status{{end}}", cluster.Hostname(1));
        Assert.That(role.Stdout.Trim(), Is.EqualTo("worker"), role.ToString());
        Assert.That(await cluster.NodeShowsAsync(0, 1, Within, "Ready"), "the demoted node is a ready worker");
        var managers = await cluster.Docker(0, "info", "--format", "{{.Swarm.Managers}}");
        Assert.That(managers.Stdout.Trim(), Is.EqualTo("1"), managers.ToString());
        await cluster.WaitForRunningAsync(0, "s", 3, Within);

        var last = await cluster.Docker(0, "node", "demote", cluster.Hostname(0));
        Assert.That(last.ExitCode, Is.Not.Zero, last.ToString());
        Assert.That(last.Stderr, Does.Contain("attempting to demote the last manager of the swarm"));
    }

    [Test]
    public async Task DemoteLeader_LeadershipMovesAndOldLeaderBecomesWorker()
    {
        await using var cluster = await SwarmCluster.StartAsync(3);
        await cluster.FormAsync(managers: 1, workers: 2);
        foreach (var node in new[] { 1, 2 })
        {
            var promote = await cluster.Docker(0, "node", "promote", cluster.Hostname(node));
            Assert.That(promote.ExitCode, Is.Zero, promote.ToString());
        }
        Assert.That(await cluster.NodeShowsAsync(0, 1, Within, "Ready Reachable"), "node 1 is a manager");
        Assert.That(await cluster.NodeShowsAsync(0, 2, Within, "Ready Reachable"), "node 2 is a manager");

        var demote = await cluster.Docker(0, "node", "demote", cluster.Hostname(0));
        Assert.That(demote.ExitCode, Is.Zero, demote.ToString());

        Assert.That(await Processes.EventuallyAsync(async () => (await cluster.Docker(0, "service", "ls")).Stderr.Contains("This node is not a swarm manager", StringComparison.Ordinal), Within),
            "the old leader is a worker");
        Assert.That(await cluster.NodeShowsAsync(1, 0, Within, "Ready"), "listed as a ready worker");
        var leader = await cluster.LeaderAsync();
        Assert.That(leader, Is.AnyOf(1, 2), "leadership moved");
        var create = await cluster.Docker(leader, "service", "create", "--detach", "--name", "after", "--replicas", "3", SwarmCluster.Image, "sleep", "100000");
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        await cluster.WaitForRunningAsync(leader, "after", 3, Within);
    }

    [Test]
    public async Task Demote_WouldLoseQuorum_RefusedUntilTheManagerIsBack_ThenTwoManagersDemoteToOne()
    {
        await using var cluster = await SwarmCluster.StartAsync(3);
        await cluster.FormAsync(managers: 3);
        var leader = await cluster.LeaderAsync();
        Assert.That(leader, Is.Not.EqualTo(-1), "a leader");
        var others = Enumerable.Range(0, 3).Where(i => i != leader).ToArray();
        var (kept, down) = (others[0], others[1]);

        await cluster.KillAsync(down);
        Assert.That(await cluster.NodeShowsAsync(leader, down, Within, "Down Unreachable"), "the killed manager is seen down");
        var refused = await cluster.Docker(leader, "node", "demote", cluster.Hostname(kept));
        Assert.That(refused.ExitCode, Is.Not.Zero, refused.ToString());
        Assert.That(refused.Stderr, Does.Contain("can't remove member from the raft: this would result in a loss of quorum"));
        var unchanged = await cluster.Docker(leader, "node", "inspect", "--format", "{{.Spec.Role}}", cluster.Hostname(kept));
        Assert.That(unchanged.Stdout.Trim(), Is.EqualTo("manager"), "a refused demotion changes nothing");

        await cluster.RestartAsync(down);
        Assert.That(await cluster.NodeShowsAsync(leader, down, Within, "Ready Reachable"), "the manager is back");
        var demote = await cluster.Docker(leader, "node", "demote", cluster.Hostname(kept));
        Assert.That(demote.ExitCode, Is.Zero, demote.ToString());
        Assert.That(await cluster.NodeShowsAsync(leader, kept, Within, "Ready"), "the demoted manager is a ready worker");

        // Two managers: removing one leaves one member, a quorum of itself.
        var second = await cluster.Docker(leader, "node", "demote", cluster.Hostname(down));
        Assert.That(second.ExitCode, Is.Zero, second.ToString());
        Assert.That(await cluster.NodeShowsAsync(leader, down, Within, "Ready"), "the second demoted manager is a ready worker");
        var managers = await cluster.Docker(leader, "info", "--format", "{{.Swarm.Managers}} {{.Swarm.ControlAvailable}}");
        Assert.That(managers.Stdout.Trim(), Is.EqualTo("1 true"), managers.ToString());
        var create = await cluster.Docker(leader, "service", "create", "--detach", "--name", "after", "--replicas", "3", SwarmCluster.Image, "sleep", "100000");
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        await cluster.WaitForRunningAsync(leader, "after", 3, Within);
    }
}
