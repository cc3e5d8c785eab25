using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Networks;

/// <summary>
/// Networks, endpoints, addresses, published ports and names across daemon restarts: adopted with live-restore,
/// released and made again without it; nothing duplicated, nothing left on the host afterwards.
/// </summary>
[TestFixture]
public sealed class NetworkRestartTests
{
    private const string Image = "bb:1";
    private const string WebCommand = "mkdir -p /www && echo hello-again > /www/index.html && busybox httpd -f -p 80 -h /www";

    private static string Links() => string.Join(' ', Directory.EnumerateFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Order());


    private static async Task<bool> AnswersAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            return await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/")) == "hello-again\n";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    [Test]
    public async Task KillDaemon_WithLiveRestore_PortsNamesAndEndpointsAreAdoptedThenReleased()
    {
        var before = Links();
        var port = HostPorts.Free();
        var daemon = await BerthdInstance.StartAsync("--live-restore");
        try
        {
            Assert.That((await daemon.DockerAsync("import", TestImages.BusyboxRootfsTar, Image)).ExitCode, Is.Zero);
            Assert.That((await daemon.DockerAsync("network", "create", "itrs-net")).ExitCode, Is.Zero);
            Assert.That((await daemon.DockerAsync("run", "-d", "--name", "itrs-web", "--network", "itrs-net", "-p", $"127.0.0.1:{port}:80", Image, "sh", "-c", WebCommand)).ExitCode, Is.Zero);
            Assert.That((await daemon.DockerAsync("run", "-d", "--name", "itrs-client", "--network", "itrs-net", Image, "sleep", "300")).ExitCode, Is.Zero);
            Assert.That(await Processes.EventuallyAsync(() => AnswersAsync(port), TimeSpan.FromSeconds(10)), Is.True);

            await Processes.RunAsync("kill", ["-KILL", daemon.Pid.ToString(CultureInfo.InvariantCulture)]);
            Assert.That(await AnswersAsync(port), Is.True, "the published port answers while no daemon runs");
            daemon = await daemon.RestartAsync("--live-restore");

            Assert.That(await Processes.EventuallyAsync(() => AnswersAsync(port), TimeSpan.FromSeconds(10)), Is.True);
            // The embedded DNS is down while no daemon (and so no bridge-net plugin) runs, as Moby's is; it comes back with the plugin.
            var restarted = daemon;
            Assert.That(await Processes.EventuallyAsync(async () =>
                (await restarted.DockerAsync("exec", "itrs-client", "sh", "-c", "busybox timeout 3 busybox wget -qO- http://itrs-web/; echo rc=$?")).Stdout == "hello-again\nrc=0\n",
                TimeSpan.FromSeconds(20)), Is.True, "the container's name resolves again");
            var members = await daemon.DockerAsync("network", "inspect", "-f", "{{len .Containers}}", "itrs-net");
            Assert.That(members.Stdout.Trim(), Is.EqualTo("2"), "both endpoints adopted, none duplicated");
            Assert.That((await daemon.DockerAsync("port", "itrs-web")).Stdout, Is.EqualTo($"80/tcp -> 127.0.0.1:{port}\n"));

            Assert.That((await daemon.DockerAsync("rm", "-f", "itrs-web", "itrs-client")).ExitCode, Is.Zero);
            Assert.That(await AnswersAsync(port), Is.False, "the port is released");
            var rm = await daemon.DockerAsync("network", "rm", "itrs-net");
            Assert.That(rm.ExitCode, Is.Zero, rm.ToString());
            var bridge = BerthdInstance.DefaultBridgeOf(daemon.Root);
            Assert.That(await Processes.EventuallyAsync(() => string.Join(' ', Links().Split(' ').Where(l => l != bridge)) == before, TimeSpan.FromSeconds(5)), Is.True,
                $"links before: {before}; after: {Links()}");
        }
        finally
        {
            await daemon.DockerAsync("rm", "-f", "itrs-web", "itrs-client");
            await daemon.DockerAsync("network", "rm", "itrs-net");
            await daemon.DisposeAsync();
        }
    }

    [Test]
    public async Task RestartDaemon_WithoutLiveRestore_TheContainerStartsAgainOnItsNetworkAndPort()
    {
        var port = HostPorts.Free();
        var daemon = await BerthdInstance.StartAsync();
        try
        {
            Assert.That((await daemon.DockerAsync("import", TestImages.BusyboxRootfsTar, Image)).ExitCode, Is.Zero);
            Assert.That((await daemon.DockerAsync("network", "create", "--subnet", "10.231.31.0/24", "itrs-net2")).ExitCode, Is.Zero);
            Assert.That((await daemon.DockerAsync("run", "-d", "--name", "itrs-web2", "--network", "itrs-net2", "-p", $"127.0.0.1:{port}:80", Image, "sh", "-c", WebCommand)).ExitCode, Is.Zero);
            Assert.That(await Processes.EventuallyAsync(() => AnswersAsync(port), TimeSpan.FromSeconds(10)), Is.True);

            daemon = await daemon.RestartAsync();

            Assert.That(await AnswersAsync(port), Is.False, "the container stopped with the daemon and its port went with it");
            var start = await daemon.DockerAsync("start", "itrs-web2");
            Assert.That(start.ExitCode, Is.Zero, start.ToString());
            Assert.That(await Processes.EventuallyAsync(() => AnswersAsync(port), TimeSpan.FromSeconds(10)), Is.True, "the same port is published again");
            var address = await daemon.DockerAsync("inspect", "-f", "{{(index .NetworkSettings.Networks \"itrs-net2\").IPAddress}}", "itrs-web2");
            Assert.That(address.Stdout.Trim(), Is.EqualTo("10.231.31.2"), "the address given back at stop is the first free one again");
            Assert.That((await daemon.DockerAsync("network", "inspect", "-f", "{{len .Containers}}", "itrs-net2")).Stdout.Trim(), Is.EqualTo("1"));
        }
        finally
        {
            await daemon.DockerAsync("rm", "-f", "itrs-web2");
            await daemon.DockerAsync("network", "rm", "itrs-net2");
            await daemon.DisposeAsync();
        }
    }
}
