using System.Globalization;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Cluster;

/// <summary>What the orchestrators do on real daemons: rolling updates and their rollback, drain, global services.</summary>
[TestFixture]
public sealed class OrchestrationTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);

    [Test]
    public async Task RollingUpdate_ReplacesInPairsWithDelay_ThenFailingImageRollsBackByItself_ThenDrainMovesTasks()
    {
        await using var cluster = await SwarmCluster.StartAsync(3);
        await cluster.FormAsync(managers: 3);
        var create = await cluster.Docker(0, "service", "create", "--detach", "--name", "s", "--replicas", "6",
            "--update-parallelism", "2", "--update-delay", "1s", SwarmCluster.Image, "sleep", "100000");
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        await cluster.WaitForRunningAsync(0, "s", 6, Within);
        var original = await RunningTaskIdsAsync(cluster, "s");

        var update = await cluster.Docker(0, "service", "update", "--detach", "--env-add", "GENERATION=2", "s");
        Assert.That(update.ExitCode, Is.Zero, update.ToString());
        Assert.That(await UpdateStateAsync(cluster, "s", "completed"), Is.EqualTo("completed"), "the update completes");
        await cluster.WaitForRunningAsync(0, "s", 6, Within);
        var replaced = await RunningTaskIdsAsync(cluster, "s");
        Assert.That(replaced.Intersect(original), Is.Empty, "every task replaced");
        var created = new List<DateTimeOffset>();
        foreach (var task in replaced)
        {
            var inspect = await cluster.Docker(0, "inspect", "--type", "task", "--format", "{{.CreatedAt.Format \"2006-01-02T15:04:05.000000000Z07:00\"}}|{{range .Spec.ContainerSpec.Env}}{{.}} {{end}}", task);
            var parts = inspect.Stdout.Trim().Split('|');
            Assert.That(parts, Has.Length.EqualTo(2), inspect.ToString());
            Assert.That(parts[1], Does.Contain("GENERATION=2"), inspect.ToString());
            created.Add(DateTimeOffset.Parse(parts[0], CultureInfo.InvariantCulture));
        }
        created.Sort();
        // Three batches of two: a batch starts only after the previous one runs and the one-second delay passed.
        for (var batch = 1; batch < 3; batch++)
            Assert.That(created[2 * batch] - created[(2 * batch) - 1], Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)),
                $"batch {batch} waited the delay: {string.Join(", ", created.Select(c => c.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)))}");

        // Nothing listens on 127.0.0.1:1, so the pull fails at once on this machine and every new task is rejected.
        var failing = await cluster.Docker(0, "service", "update", "--detach", "--image", "127.0.0.1:1/missing:1",
            "--update-failure-action", "rollback", "--update-monitor", "2s", "s");
        Assert.That(failing.ExitCode, Is.Zero, failing.ToString());
        Assert.That(await UpdateStateAsync(cluster, "s", "rollback_completed"), Is.EqualTo("rollback_completed"), "the failed update rolled back by itself");
        var image = await cluster.Docker(0, "service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", "s");
        Assert.That(image.Stdout.Trim(), Is.EqualTo(SwarmCluster.Image), image.ToString());
        await cluster.WaitForRunningAsync(0, "s", 6, Within);

        var drain = await cluster.Docker(0, "node", "update", "--availability", "drain", cluster.Hostname(2));
        Assert.That(drain.ExitCode, Is.Zero, drain.ToString());
        IReadOnlyList<string> running = [];
        Assert.That(await Processes.EventuallyAsync(async () =>
        {
            running = await cluster.RunningTaskNodesAsync(0, "s");
            return running.Count == 6 && !running.Contains(cluster.Hostname(2));
        }, Within), $"drained node's tasks moved: {string.Join(",", running)}");
        var left = await cluster.Docker(2, "ps", "-q", "--filter", "label=com.docker.swarm.service.name=s");
        Assert.That(left.Stdout.Trim(), Is.Empty, $"no task container left on the drained node: {left}");
    }

    [Test]
    public async Task GlobalService_OneTaskPerActiveNode_IncludingANodeThatJoinsLater()
    {
        await using var cluster = await SwarmCluster.StartAsync(3);
        await cluster.FormAsync(managers: 1, workers: 1);
        var create = await cluster.Docker(0, "service", "create", "--detach", "--name", "g", "--mode", "global", SwarmCluster.Image, "sleep", "100000");
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        var running = await cluster.WaitForRunningAsync(0, "g", 2, Within);
        Assert.That(running, Is.EquivalentTo(new[] { cluster.Hostname(0), cluster.Hostname(1) }));

        var join = await cluster.JoinAsync(2, await cluster.JoinTokenAsync(0, "worker"), 0);
        Assert.That(join.ExitCode, Is.Zero, join.ToString());
        running = await cluster.WaitForRunningAsync(0, "g", 3, Within);
        Assert.That(running, Is.EquivalentTo(Enumerable.Range(0, 3).Select(cluster.Hostname)));

        var drain = await cluster.Docker(0, "node", "update", "--availability", "drain", cluster.Hostname(1));
        Assert.That(drain.ExitCode, Is.Zero, drain.ToString());
        running = await cluster.WaitForRunningAsync(0, "g", 2, Within);
        Assert.That(running, Is.EquivalentTo(new[] { cluster.Hostname(0), cluster.Hostname(2) }), "a drained node runs no global task");
        var ls = await cluster.Docker(0, "service", "ls", "--format", "{{.Mode}} {{.Replicas}}");
        Assert.That(ls.Stdout.Trim(), Is.EqualTo("global 2/2"), ls.ToString());
    }

    private static async Task<IReadOnlyList<string>> RunningTaskIdsAsync(SwarmCluster cluster, string service)
    {
        var ps = await cluster.Docker(0, "service", "ps", service, "-q", "--no-trunc", "--filter", "desired-state=running");
        Assert.That(ps.ExitCode, Is.Zero, ps.ToString());
        return ps.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim()).ToList();
    }

    /// <summary>The service's UpdateStatus.State once it is <paramref name="awaited"/>, or the last one seen.</summary>
    private static async Task<string> UpdateStateAsync(SwarmCluster cluster, string service, string awaited)
    {
        var last = "";
        await Processes.EventuallyAsync(async () =>
        {
            var inspect = await cluster.Docker(0, "service", "inspect", "--format", "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}", service);
            last = inspect.Stdout.Trim();
            return last == awaited;
        }, Within);
        return last;
    }
}
