using System.Globalization;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Cluster;

/// <summary>
/// Services on a node-local network: the embedded DNS answers the service name and <c>tasks.&lt;service&gt;</c> with the
/// addresses of its tasks, and host-mode published ports answer on the host and show in the task's PortStatus.
/// </summary>
[TestFixture]
public sealed class ServiceDiscoveryTests
{
    private const string WebCommand = "mkdir -p /www && hostname > /www/index.html && busybox httpd -f -p 80 -h /www";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Test]
    public async Task ServiceOnLocalNetwork_NamesResolveToTasks_HostPortsPublished()
    {
        await using var cluster = await SwarmCluster.StartAsync(1);
        await cluster.InitAsync(0);
        var network = await cluster.Docker(0, "network", "create", "backend");
        Assert.That(network.ExitCode, Is.Zero, network.ToString());
        var missing = await cluster.Docker(0, "service", "create", "--detach", "--name", "lost", "--network", "nosuch", SwarmCluster.Image, "sleep", "1000");
        Assert.That(missing.Stderr, Does.Contain("network nosuch not found"), missing.ToString());

        var create = await cluster.Docker(0, "service", "create", "--detach", "--name", "web", "--replicas", "2", "--network", "backend",
            "--publish", "mode=host,target=80", SwarmCluster.Image, "sh", "-c", WebCommand);
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        await cluster.WaitForRunningAsync(0, "web", 2, Within);

        var containers = await cluster.Docker(0, "ps", "-q", "--filter", "label=com.docker.swarm.service.name=web");
        var addresses = new List<string>();
        foreach (var container in containers.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var address = await cluster.Docker(0, "inspect", "--format", "{{.NetworkSettings.Networks.backend.IPAddress}}", container);
            addresses.Add(address.Stdout.Trim());
        }
        Assert.That(addresses, Has.Count.EqualTo(2).And.All.Not.Empty, containers.ToString());
        foreach (var name in new[] { "web", "tasks.web" })
        {
            var lookup = await cluster.Docker(0, "run", "--rm", "--network", "backend", SwarmCluster.Image, "busybox", "nslookup", name);
            Assert.That(lookup.ExitCode, Is.Zero, lookup.ToString());
            foreach (var address in addresses)
                Assert.That(lookup.Stdout, Does.Contain($"Address: {address}"), $"{name}: {lookup}");
        }

        var tasks = await cluster.Docker(0, "service", "ps", "-q", "--filter", "desired-state=running", "web");
        foreach (var task in tasks.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var ports = await cluster.Docker(0, "inspect", "--type", "task", "--format",
                "{{range .Status.PortStatus.Ports}}{{.PublishMode}} {{.TargetPort}} {{.PublishedPort}}{{end}}", task);
            var parts = ports.Stdout.Trim().Split(' ');
            Assert.That(parts, Has.Length.EqualTo(3), ports.ToString());
            Assert.That(parts[..2], Is.EqualTo(new[] { "host", "80" }), ports.ToString());
            Assert.That(await AnswersAsync(int.Parse(parts[2], CultureInfo.InvariantCulture)), Is.True, $"port {parts[2]} of task {task}");
        }
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            return (await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/"))).Trim().Length > 0;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
