using System.Text;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Cluster;

/// <summary>The refusals a swarm gives through the stock CLI, with Moby's messages; nothing is changed by them.</summary>
[TestFixture]
public sealed class BadInputTests
{
    [Test]
    public async Task WrongAndRotatedTokens_JoinTwice_LiveNodeRemoval_BadConstraint_StaleVersion_AllRefused()
    {
        await using var cluster = await SwarmCluster.StartAsync(3);
        await cluster.InitAsync(0);
        var token = await cluster.JoinTokenAsync(0, "worker");

        var malformed = await cluster.JoinAsync(1, "SWMTKN-1-nonsense", 0);
        AssertRefused(malformed, "invalid join token");
        var wrongSecret = await cluster.JoinAsync(1, token[..^4] + "abcd", 0);
        AssertRefused(wrongSecret, "A valid join token is necessary to join this cluster");

        var rotate = await cluster.Docker(0, "swarm", "join-token", "--rotate", "-q", "worker");
        Assert.That(rotate.ExitCode, Is.Zero, rotate.ToString());
        AssertRefused(await cluster.JoinAsync(1, token, 0), "A valid join token is necessary to join this cluster");
        var fresh = rotate.Stdout.Trim();
        var join = await cluster.JoinAsync(1, fresh, 0);
        Assert.That(join.ExitCode, Is.Zero, join.ToString());
        AssertRefused(await cluster.JoinAsync(1, fresh, 0), "This node is already part of a swarm");
        AssertRefused(await cluster.Docker(0, "swarm", "init", "--advertise-addr", "127.0.0.1"), "This node is already part of a swarm");

        AssertRefused(await cluster.Docker(0, "node", "rm", cluster.Hostname(1)), "is not down and can't be removed");
        AssertRefused(await cluster.Docker(1, "service", "ls"), "This node is not a swarm manager");
        AssertRefused(await cluster.Docker(2, "swarm", "leave"), "This node is not part of a swarm");
        AssertRefused(await cluster.Docker(0, "swarm", "leave"), "You are attempting to leave the swarm on a node that is participating as a manager");

        AssertRefused(await cluster.Docker(0, "service", "create", "--detach", "--name", "c", "--constraint", "node.hostname", SwarmCluster.Image, "sleep", "1"),
            "constraint expected one operator from");
        var create = await cluster.Docker(0, "service", "create", "--detach", "--name", "s", SwarmCluster.Image, "sleep", "100000");
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        var version = (await cluster.Docker(0, "service", "inspect", "--format", "{{.Version.Index}}", "s")).Stdout.Trim();
        Assert.That((await cluster.Docker(0, "service", "update", "--detach", "--env-add", "A=1", "s")).ExitCode, Is.Zero);
        using var http = RawApi.Create(cluster[0].Socket);
        using var body = new StringContent("""{"Name":"s","TaskTemplate":{"ContainerSpec":{"Image":"bb:1","Args":["sleep","1"]}},"Mode":{"Replicated":{"Replicas":1}}}""",
            Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri($"/v1.50/services/s/update?version={version}", UriKind.Relative), body);
        var stale = (Status: (int)response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        Assert.That(stale.Status, Is.EqualTo(500), "Moby's status for swarmkit's unknown-code error: " + stale.Body);
        Assert.That(stale.Body, Does.Contain("update out of sequence"));
        var services = await cluster.Docker(0, "service", "ls", "--format", "{{.Name}}");
        Assert.That(services.Stdout.Trim(), Is.EqualTo("s"), "the refused create left nothing");
    }

    private static void AssertRefused(CommandResult result, string message)
    {
        Assert.That(result.ExitCode, Is.Not.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain(message), result.ToString());
    }
}
