using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Cluster;

/// <summary>A worker's agent pulls a task's image from a registry (Debian's docker-registry on loopback) that it has never seen.</summary>
[TestFixture]
public sealed class RegistryPullTests
{
    [Test]
    public async Task ServiceImageOnlyInARegistry_WorkerPullsIt_CredentialsNeverShown()
    {
        await using var registry = await LocalRegistry.StartAsync(CancellationToken.None);
        await using var cluster = await SwarmCluster.StartAsync(2);
        await cluster.FormAsync(managers: 1, workers: 1);
        var image = $"{registry.Address}/swarm/bb:reg";
        Assert.That((await cluster.Docker(0, "tag", SwarmCluster.Image, image)).ExitCode, Is.Zero);
        var push = await cluster.Docker(0, "push", image);
        Assert.That(push.ExitCode, Is.Zero, push.ToString());
        var absent = await cluster.Docker(1, "image", "inspect", image);
        Assert.That(absent.ExitCode, Is.Not.Zero, "the worker does not have the image yet");

        var create = await cluster.Docker(0, "service", "create", "--detach", "--name", "r", "--with-registry-auth",
            "--constraint", $"node.hostname=={cluster.Hostname(1)}", image, "sleep", "100000");
        Assert.That(create.ExitCode, Is.Zero, create.ToString());

        var running = await cluster.WaitForRunningAsync(0, "r", 1, TimeSpan.FromSeconds(90));
        Assert.That(running, Is.EqualTo(new[] { cluster.Hostname(1) }));
        var pulled = await cluster.Docker(1, "image", "inspect", "--format", "{{.Id}}", image);
        Assert.That(pulled.ExitCode, Is.Zero, pulled.ToString());
        var inspect = await cluster.Docker(0, "service", "inspect", "r");
        Assert.That(inspect.Stdout, Does.Not.Contain("PullOptions").And.Not.Contain("RegistryAuth"), inspect.ToString());
    }
}
