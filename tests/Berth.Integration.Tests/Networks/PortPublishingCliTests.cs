using System.Net;
using System.Net.Sockets;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Networks;

/// <summary>
/// -p and -P through the docker CLI: a published port answers on the host (loopback included) and, through the host's
/// address, from other containers; docker port shows it; stop gives it back; a port published twice is refused.
/// Traffic only goes to this machine's own addresses and to containers the test made.
/// </summary>
[TestFixture]
public sealed class PortPublishingCliTests : BusyboxDaemonFixture
{
    private const string WebCommand = "mkdir -p /www && echo hello-port > /www/index.html && busybox httpd -f -p 80 -h /www";

    private static string Fetch(string url) => $"busybox timeout 10 busybox wget -qO- {url}; echo rc=$?";


    private static async Task<string?> GetAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return await http.GetStringAsync(new Uri(url));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    [Test]
    public async Task Run_LoopbackPort_ReachableFromTheHostShownByDockerPortAndReleasedAtStop()
    {
        var port = HostPorts.Free();
        try
        {
            var run = await Docker("run", "-d", "--name", "itport-lo", "-p", $"127.0.0.1:{port}:80", Image, "sh", "-c", WebCommand);
            Assert.That(run.ExitCode, Is.Zero, run.ToString());

            Assert.That(await Processes.EventuallyAsync(async () => await GetAsync($"http://127.0.0.1:{port}/") == "hello-port\n", TimeSpan.FromSeconds(10)), Is.True);
            var shown = await Docker("port", "itport-lo");
            Assert.That(shown.Stdout, Is.EqualTo($"80/tcp -> 127.0.0.1:{port}\n"), shown.ToString());
            var ps = await Docker("ps", "--filter", "name=itport-lo", "--format", "{{.Ports}}");
            Assert.That(ps.Stdout.Trim(), Is.EqualTo($"127.0.0.1:{port}->80/tcp"));

            Assert.That((await Docker("stop", "-t", "1", "itport-lo")).ExitCode, Is.Zero);
            Assert.That(await GetAsync($"http://127.0.0.1:{port}/"), Is.Null, "nothing answers once the container stopped");
            using var reuse = new TcpListener(IPAddress.Loopback, port);
            Assert.DoesNotThrow(reuse.Start, "the port is free again");
            reuse.Stop();
            Assert.That((await Docker("port", "itport-lo")).Stdout, Is.Empty);
        }
        finally
        {
            await Docker("rm", "-f", "itport-lo");
        }
    }

    [Test]
    public async Task Run_PortOnEveryAddress_ReachableFromOtherContainersThroughTheHostAddress()
    {
        var port = HostPorts.Free();
        await Docker("network", "create", "itport-other");
        try
        {
            Assert.That((await Docker("run", "-d", "--name", "itport-all", "-p", $"{port}:80", Image, "sh", "-c", WebCommand)).ExitCode, Is.Zero);
            var gateway = (await Docker("inspect", "-f", "{{.NetworkSettings.Gateway}}", "itport-all")).Stdout.Trim();
            Assert.That(await Processes.EventuallyAsync(async () => await GetAsync($"http://127.0.0.1:{port}/") == "hello-port\n", TimeSpan.FromSeconds(10)), Is.True);

            var sameBridge = await Docker("run", "--rm", Image, "sh", "-c", Fetch($"http://{gateway}:{port}/"));
            var itself = await Docker("exec", "itport-all", "sh", "-c", Fetch($"http://{gateway}:{port}/"));
            var otherNetwork = await Docker("run", "--rm", "--network", "itport-other", Image, "sh", "-c", Fetch($"http://{gateway}:{port}/"));

            Assert.That(sameBridge.Stdout, Is.EqualTo("hello-port\nrc=0\n"), "another container on the bridge: " + sameBridge);
            Assert.That(itself.Stdout, Is.EqualTo("hello-port\nrc=0\n"), "the container itself (hairpin): " + itself);
            Assert.That(otherNetwork.Stdout, Is.EqualTo("hello-port\nrc=0\n"), "a container on another network: " + otherNetwork);
        }
        finally
        {
            await Docker("rm", "-f", "itport-all");
            await Docker("network", "rm", "itport-other");
        }
    }

    [Test]
    public async Task Run_PublishAll_GetsAnEphemeralPortFromTheKernelsRange()
    {
        try
        {
            var run = await Docker("run", "-d", "--name", "itport-eph", "--expose", "80", "-P", Image, "sh", "-c", WebCommand);
            Assert.That(run.ExitCode, Is.Zero, run.ToString());

            var shown = (await Docker("port", "itport-eph", "80/tcp")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var port = int.Parse(shown.Single()[(shown.Single().LastIndexOf(':') + 1)..], global::System.Globalization.CultureInfo.InvariantCulture);
            var range = (await File.ReadAllTextAsync("/proc/sys/net/ipv4/ip_local_port_range")).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            Assert.That(port, Is.InRange(int.Parse(range[0], global::System.Globalization.CultureInfo.InvariantCulture), int.Parse(range[1], global::System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(await Processes.EventuallyAsync(async () => await GetAsync($"http://127.0.0.1:{port}/") == "hello-port\n", TimeSpan.FromSeconds(10)), Is.True);
        }
        finally
        {
            await Docker("rm", "-f", "itport-eph");
        }
    }

    [Test]
    public async Task Run_PortAlreadyPublished_IsRefusedAndLeavesNothingBehind()
    {
        var port = HostPorts.Free();
        try
        {
            Assert.That((await Docker("run", "-d", "--name", "itport-first", "-p", $"{port}:80", Image, "sleep", "60")).ExitCode, Is.Zero);

            var second = await Docker("run", "-d", "--name", "itport-second", "-p", $"{port}:80", Image, "sleep", "60");

            Assert.That(second.ExitCode, Is.Not.Zero);
            Assert.That(second.Stderr, Does.Contain("driver failed programming external connectivity on endpoint itport-second").And.Contain("port is already allocated"));
            var attached = await Docker("network", "inspect", "-f", "{{range .Containers}}{{.Name}} {{end}}", "bridge");
            Assert.That(attached.Stdout.Trim(), Is.EqualTo("itport-first"), "the refused container holds no endpoint");
            Assert.That((await Docker("port", "itport-first")).Stdout, Is.EqualTo($"80/tcp -> 0.0.0.0:{port}\n"));
        }
        finally
        {
            await Docker("rm", "-f", "itport-first", "itport-second");
        }
    }
}
