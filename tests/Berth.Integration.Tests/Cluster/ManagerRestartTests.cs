using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Cluster;

/// <summary>
/// Three managers restarted one at a time, then all at once: every service, secret, config and task record
/// written before is still there afterwards, and the secret still opens inside a task.
/// </summary>
[TestFixture]
public sealed class ManagerRestartTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    [Test]
    public async Task RestartEachManagerThenAll_NoServiceSecretConfigOrTaskLost()
    {
        await using var cluster = await SwarmCluster.StartAsync(3);
        await cluster.FormAsync(managers: 3);
        var secret = await FromStdinAsync(cluster, "secret", "pw", "s3cret");
        Assert.That(secret.ExitCode, Is.Zero, secret.ToString());
        var config = await FromStdinAsync(cluster, "config", "cfg", "config-body");
        Assert.That(config.ExitCode, Is.Zero, config.ToString());
        var create = await cluster.Docker(0, "service", "create", "--detach", "--name", "s", "--replicas", "3", "--secret", "pw",
            "--config", "source=cfg,target=/cfg", SwarmCluster.Image, "sleep", "100000");
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        await cluster.WaitForRunningAsync(0, "s", 3, Within);
        var before = await RecordsAsync(cluster, 0);

        for (var i = 0; i < cluster.Count; i++)
        {
            await cluster.StopAsync(i);
            var other = (i + 1) % cluster.Count;
            Assert.That(await cluster.NodeShowsAsync(other, i, Within, "Down Unreachable"), $"node {i} seen down");
            await cluster.RestartAsync(i);
            Assert.That(await cluster.NodeShowsAsync(other, i, Within, "Ready Reachable", "Ready Leader"),
                $"node {i} back from its own log");
            await cluster.WaitForRunningAsync(i, "s", 3, Within);
        }
        await AssertNothingLostAsync(cluster, before);

        for (var i = 0; i < cluster.Count; i++)
            await cluster.KillAsync(i);
        for (var i = 0; i < cluster.Count; i++)
            await cluster.RestartAsync(i);
        Assert.That(await Processes.EventuallyAsync(async () => await cluster.LeaderAsync() >= 0, Within), "a leader after the restart of every manager");
        await cluster.WaitForRunningAsync(0, "s", 3, Within);
        await AssertNothingLostAsync(cluster, before);

        await AssertSecretAndConfigOpenInATaskAsync(cluster);
    }

    private sealed record Records(string Services, string Secrets, string Configs, IReadOnlyList<string> Tasks);

    private static async Task<Records> RecordsAsync(SwarmCluster cluster, int via)
    {
        var services = await cluster.Docker(via, "service", "ls", "--format", "{{.ID}} {{.Name}} {{.Mode}} {{.Image}}");
        var secrets = await cluster.Docker(via, "secret", "ls", "--format", "{{.ID}} {{.Name}}");
        var configs = await cluster.Docker(via, "config", "ls", "--format", "{{.ID}} {{.Name}}");
        var tasks = await cluster.Docker(via, "service", "ps", "-q", "--no-trunc", "s");
        foreach (var result in new[] { services, secrets, configs, tasks })
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return new Records(services.Stdout.Trim(), secrets.Stdout.Trim(), configs.Stdout.Trim(),
            tasks.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim()).ToList());
    }

    /// <summary>The same objects from every node; tasks replaced while a node was away are added, none of the old ones go.</summary>
    private static async Task AssertNothingLostAsync(SwarmCluster cluster, Records before)
    {
        for (var i = 0; i < cluster.Count; i++)
        {
            var now = await RecordsAsync(cluster, i);
            Assert.That(now.Services, Is.EqualTo(before.Services), $"services from node {i}");
            Assert.That(now.Secrets, Is.EqualTo(before.Secrets), $"secrets from node {i}");
            Assert.That(now.Configs, Is.EqualTo(before.Configs), $"configs from node {i}");
            Assert.That(now.Tasks, Is.SupersetOf(before.Tasks), $"task records from node {i}");
        }
    }

    /// <summary>
    /// The store can read a task as running a moment before its node lists the container (the report and the listing
    /// race), so the node running one is looked for until one shows.
    /// </summary>
    private static async Task AssertSecretAndConfigOpenInATaskAsync(SwarmCluster cluster)
    {
        (int Node, string Container)? found = null;
        await Processes.EventuallyAsync(async () => (found = await RunningTaskContainerAsync(cluster)) is not null, Within);
        Assert.That(found, Is.Not.Null, "no node runs a task of s");
        var (node, container) = found!.Value;
        var secret = await cluster.Docker(node, "exec", container, "cat", "/run/secrets/pw");
        Assert.That(secret.Stdout, Is.EqualTo("s3cret"), secret.ToString());
        var config = await cluster.Docker(node, "exec", container, "cat", "/cfg");
        Assert.That(config.Stdout, Is.EqualTo("config-body"), config.ToString());
    }

    private static async Task<(int Node, string Container)?> RunningTaskContainerAsync(SwarmCluster cluster)
    {
        for (var i = 0; i < cluster.Count; i++)
        {
            var running = await cluster.Docker(i, "ps", "-q", "--filter", "label=com.docker.swarm.service.name=s");
            if (running.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() is { } container)
                return (i, container);
        }
        return null;
    }

    private static Task<CommandResult> FromStdinAsync(SwarmCluster cluster, string kind, string name, string data) =>
        Processes.RunAsync(DockerCli.Path, [kind, "create", name, "-"], cluster[0].DockerEnv, stdin: data);
}
