using System.Text.Json;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Networks;

/// <summary>
/// Bridge networks through the docker CLI: containers get addresses from IPAM on the bridge-net plugin's bridges and
/// reach each other; networks are isolated; nothing is left on the host after rm. Traffic stays between containers
/// this test made.
/// </summary>
[TestFixture]
public sealed class NetworkCliTests : BusyboxDaemonFixture
{
    // Debian's busybox-static wget crashes on -T, so busybox timeout stands in for it; a command after it keeps sh from
    // exec'ing it as pid 1, which would ignore timeout's SIGTERM.
    private static string Links() => string.Join(' ', Directory.EnumerateFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Order());

    [Test]
    public async Task Ls_FreshDaemon_ListsThePredefinedNetworks()
    {
        var ls = await Docker("network", "ls", "--format", "{{.Name}} {{.Driver}}");

        Assert.That(ls.ExitCode, Is.Zero, ls.ToString());
        Assert.That(ls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EquivalentTo(new[] { "bridge bridge", "host host", "none null" }));
    }

    [Test]
    public async Task Run_TwoContainersOnAUserNetwork_ReachEachOtherByAddress()
    {
        Assert.That((await Docker("network", "create", "--subnet", "10.231.7.0/24", "itnet-a")).ExitCode, Is.Zero);
        try
        {
            var web = await Docker("run", "-d", "--name", "it-web", "--network", "itnet-a", Image, "sh", "-c", "mkdir -p /www && echo hello-net > /www/index.html && busybox httpd -f -p 80 -h /www");
            Assert.That(web.ExitCode, Is.Zero, web.ToString());
            var ip = (await Docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "it-web")).Stdout.Trim();
            Assert.That(ip, Does.StartWith("10.231.7."));

            var fetch = await Docker("run", "--rm", "--network", "itnet-a", Image, "sh", "-c", $"busybox timeout 10 busybox wget -qO- http://{ip}/");

            Assert.That(fetch.Stdout, Is.EqualTo("hello-net\n"), fetch.ToString());
            using var network = JsonDocument.Parse((await Docker("network", "inspect", "itnet-a")).Stdout);
            var attached = network.RootElement[0].GetProperty("Containers").EnumerateObject().Single().Value;
            Assert.That(attached.GetProperty("Name").GetString(), Is.EqualTo("it-web"));
            Assert.That(attached.GetProperty("IPv4Address").GetString(), Is.EqualTo($"{ip}/24"));
        }
        finally
        {
            await Docker("rm", "-f", "it-web");
            await Docker("network", "rm", "itnet-a");
        }
    }

    [Test]
    public async Task Run_ContainerOnAnotherNetwork_CannotReachIt()
    {
        await Docker("network", "create", "itnet-b1");
        await Docker("network", "create", "itnet-b2");
        try
        {
            Assert.That((await Docker("run", "-d", "--name", "it-iso", "--network", "itnet-b1", Image, "busybox", "httpd", "-f", "-p", "80", "-h", "/")).ExitCode, Is.Zero);
            var ip = (await Docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "it-iso")).Stdout.Trim();

            var fetch = await Docker("run", "--rm", "--network", "itnet-b2", Image, "sh", "-c", $"busybox timeout 3 busybox wget -qO- http://{ip}/; echo rc=$?");

            Assert.That(fetch.Stdout, Does.StartWith("rc=").And.Not.EqualTo("rc=0\n"), fetch.ToString());
        }
        finally
        {
            await Docker("rm", "-f", "it-iso");
            await Docker("network", "rm", "itnet-b1", "itnet-b2");
        }
    }

    [Test]
    public async Task Run_DefaultBridge_HasAnAddressAndADefaultRoute()
    {
        var run = await Docker("run", "--rm", Image, "sh", "-c", "ip -4 addr show eth0 | grep -c inet; ip route | grep -c '^default via'");

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.Stdout, Is.EqualTo("1\n1\n"));
    }

    [Test]
    public async Task Rm_NetworkWithAContainer_IsRefusedThenRemovesEverythingItMade()
    {
        var before = Links();
        await Docker("network", "create", "itnet-c");
        Assert.That((await Docker("run", "-d", "--name", "it-busy", "--network", "itnet-c", Image, "sleep", "60")).ExitCode, Is.Zero);

        var refused = await Docker("network", "rm", "itnet-c");
        Assert.That(refused.ExitCode, Is.Not.Zero);
        Assert.That(refused.Stderr, Does.Contain("has active endpoints"));

        await Docker("rm", "-f", "it-busy");
        var rm = await Docker("network", "rm", "itnet-c");
        Assert.That(rm.ExitCode, Is.Zero, rm.ToString());
        Assert.That(await Processes.EventuallyAsync(() => Links() == before, TimeSpan.FromSeconds(5)), Is.True, $"links before: {before}; after: {Links()}");
    }

    [Test]
    public async Task Create_OverlappingSubnetOrDuplicateName_IsRefusedAsByDocker()
    {
        Assert.That((await Docker("network", "create", "--subnet", "10.231.9.0/24", "itnet-d")).ExitCode, Is.Zero);
        try
        {
            var overlap = await Docker("network", "create", "--subnet", "10.231.9.128/25", "itnet-d2");
            Assert.That(overlap.ExitCode, Is.Not.Zero);
            Assert.That(overlap.Stderr, Does.Contain("overlaps"));
            var duplicate = await Docker("network", "create", "itnet-d");
            Assert.That(duplicate.Stderr, Does.Contain("network with name itnet-d already exists"));
        }
        finally
        {
            await Docker("network", "rm", "itnet-d");
        }
    }

    [Test]
    public async Task KillNine_BridgeNetPlugin_TrafficKeepsFlowingAndNewContainersStillJoin()
    {
        Assert.That((await Docker("network", "create", "itnet-k")).ExitCode, Is.Zero);
        try
        {
            Assert.That((await Docker("run", "-d", "--name", "it-kweb", "--network", "itnet-k", Image, "sh", "-c", "mkdir -p /www && echo still-here > /www/index.html && busybox httpd -f -p 80 -h /www")).ExitCode, Is.Zero);
            Assert.That((await Docker("run", "-d", "--name", "it-kclient", "--network", "itnet-k", Image, "sleep", "60")).ExitCode, Is.Zero);
            var ip = (await Docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "it-kweb")).Stdout.Trim();
            var old = Daemon.PluginPid("bridge-net")!.Value;

            await Processes.RunAsync("kill", ["-9", old.ToString(global::System.Globalization.CultureInfo.InvariantCulture)]);

            var during = await Docker("exec", "it-kclient", "sh", "-c", $"busybox timeout 10 busybox wget -qO- http://{ip}/");
            Assert.That(during.Stdout, Is.EqualTo("still-here\n"), "running containers' traffic does not need the plugin: " + during);
            Assert.That(await Processes.EventuallyAsync(() => Daemon.PluginPid("bridge-net") is { } p && p != old, TimeSpan.FromSeconds(10)), "bridge-net restarted");
            Assert.That(await Daemon.WaitForPluginStateAsync("bridge-net", "running"), "bridge-net serves again");
            var joined = await Docker("run", "--rm", "--network", "itnet-k", Image, "sh", "-c", $"busybox timeout 10 busybox wget -qO- http://{ip}/");
            Assert.That(joined.Stdout, Is.EqualTo("still-here\n"), "a new container joins through the restarted plugin: " + joined);
        }
        finally
        {
            await Docker("rm", "-f", "it-kweb", "it-kclient");
            await Docker("network", "rm", "itnet-k");
        }
    }

    [Test]
    public async Task Run_StaticAddressAndMac_OnAUserNetworkOnly()
    {
        Assert.That((await Docker("network", "create", "--subnet", "10.231.11.0/24", "itnet-s")).ExitCode, Is.Zero);
        try
        {
            var run = await Docker("run", "--rm", "--network", "itnet-s", "--ip", "10.231.11.77", "--mac-address", "02:42:aa:bb:cc:dd", Image,
                "sh", "-c", "ip -4 addr show eth0 | grep -o 'inet [0-9./]*'; cat /sys/class/net/eth0/address");

            Assert.That(run.Stdout, Is.EqualTo("inet 10.231.11.77/24\n02:42:aa:bb:cc:dd\n"), run.ToString());
            var onDefault = await Docker("run", "--rm", "--ip", "172.30.0.5", Image, "true");
            Assert.That(onDefault.ExitCode, Is.Not.Zero);
            Assert.That(onDefault.Stderr, Does.Contain("user specified IP address is supported on user defined networks only"));
        }
        finally
        {
            await Docker("network", "rm", "itnet-s");
        }
    }

    [Test]
    public async Task BadAddresses_GatewayOutsideTheSubnetOrIpOutsideThePool_AreRefusedAndLeaveNothing()
    {
        var gateway = await Docker("network", "create", "--subnet", "10.231.41.0/24", "--gateway", "10.231.42.1", "itnet-g");
        Assert.That(gateway.ExitCode, Is.Not.Zero);
        Assert.That((await Docker("network", "ls", "-q", "--filter", "name=itnet-g")).Stdout, Is.Empty);
        Assert.That((await Docker("network", "create", "--subnet", "10.231.43.0/24", "itnet-p")).ExitCode, Is.Zero);
        try
        {
            var outside = await Docker("run", "--rm", "--network", "itnet-p", "--ip", "10.231.44.5", Image, "true");

            Assert.That(outside.ExitCode, Is.Not.Zero);
            Assert.That(outside.Stderr, Does.Contain("out of range"), outside.ToString());
            Assert.That((await Docker("network", "inspect", "-f", "{{len .Containers}}", "itnet-p")).Stdout.Trim(), Is.EqualTo("0"));
        }
        finally
        {
            await Docker("network", "rm", "itnet-p");
        }
    }
}
