using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Cluster;

/// <summary>Leaving the swarm: task containers go, the cluster plugin's process ends, and a new swarm starts afresh.</summary>
[TestFixture]
public sealed class LeaveTests
{
    [Test]
    public async Task LeaveForce_RemovesTasksAndStopsTheBackend_ThenInitStartsANewSwarm()
    {
        await using var cluster = await SwarmCluster.StartAsync(1);
        await cluster.InitAsync(0);
        var first = (await cluster.Docker(0, "info", "--format", "{{.Swarm.Cluster.ID}}")).Stdout.Trim();
        var create = await cluster.Docker(0, "service", "create", "--detach", "--name", "s", "--replicas", "2", SwarmCluster.Image, "sleep", "100000");
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        await cluster.WaitForRunningAsync(0, "s", 2, TimeSpan.FromSeconds(60));
        Assert.That(cluster[0].PluginPid("swarmkit"), Is.Not.Null, "the cluster plugin runs in a swarm");

        var leave = await cluster.Docker(0, "swarm", "leave", "--force");
        Assert.That(leave.ExitCode, Is.Zero, leave.ToString());

        var tasks = await cluster.Docker(0, "ps", "-aq", "--filter", "label=com.docker.swarm.task.id");
        Assert.That(tasks.Stdout.Trim(), Is.Empty, tasks.ToString());
        Assert.That(await Processes.EventuallyAsync(() => cluster[0].PluginPid("swarmkit") is null, TimeSpan.FromSeconds(20)), "the cluster plugin stopped");
        var state = await cluster.Docker(0, "info", "--format", "{{.Swarm.LocalNodeState}}");
        Assert.That(state.Stdout.Trim(), Is.EqualTo("inactive"), state.ToString());

        await cluster.InitAsync(0);
        var second = (await cluster.Docker(0, "info", "--format", "{{.Swarm.Cluster.ID}}")).Stdout.Trim();
        Assert.That(second, Is.Not.Empty.And.Not.EqualTo(first), "a new cluster");
        var services = await cluster.Docker(0, "service", "ls", "-q");
        Assert.That(services.ExitCode, Is.Zero, services.ToString());
        Assert.That(services.Stdout.Trim(), Is.Empty, "nothing of the old swarm");
    }
}
