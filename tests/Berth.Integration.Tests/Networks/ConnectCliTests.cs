using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Networks;

/// <summary><c>docker network connect|disconnect</c> for running and stopped containers, and Moby's refusals.</summary>
[TestFixture]
public sealed class ConnectCliTests : BusyboxDaemonFixture
{
    private Task<string> AddressOn(string container, string network) =>
        Docker("inspect", "-f", $"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}", container).ContinueWith(t => t.Result.Stdout.Trim(), TaskScheduler.Default);

    [Test]
    public async Task Connect_RunningContainer_GetsASecondInterfaceReachableFromThatNetworkUntilDisconnected()
    {
        await Docker("network", "create", "--subnet", "10.231.21.0/24", "itconn-a");
        await Docker("network", "create", "--subnet", "10.231.22.0/24", "itconn-b");
        try
        {
            Assert.That((await Docker("run", "-d", "--name", "itconn-web", "--network", "itconn-a", Image, "busybox", "httpd", "-f", "-p", "80", "-h", "/")).ExitCode, Is.Zero);

            var connect = await Docker("network", "connect", "--ip", "10.231.22.50", "itconn-b", "itconn-web");

            Assert.That(connect.ExitCode, Is.Zero, connect.ToString());
            Assert.That(await AddressOn("itconn-web", "itconn-b"), Is.EqualTo("10.231.22.50"));
            var inside = await Docker("exec", "itconn-web", "sh", "-c", "ip -4 -o addr show eth1 | grep -o 'inet [0-9./]*'");
            Assert.That(inside.Stdout, Is.EqualTo("inet 10.231.22.50/24\n"), inside.ToString());
            var ping = await Docker("run", "--rm", "--network", "itconn-b", Image, "ping", "-c", "1", "-W", "3", "10.231.22.50");
            Assert.That(ping.ExitCode, Is.Zero, ping.ToString());
            var members = await Docker("network", "inspect", "-f", "{{range .Containers}}{{.Name}}={{.IPv4Address}} {{end}}", "itconn-b");
            Assert.That(members.Stdout.Trim(), Is.EqualTo("itconn-web=10.231.22.50/24"));

            var leaveGateway = await Docker("network", "disconnect", "itconn-a", "itconn-web");
            Assert.That(leaveGateway.ExitCode, Is.Zero, leaveGateway.ToString());
            var route = await Docker("exec", "itconn-web", "sh", "-c", "ip route | grep '^default'");
            Assert.That(route.Stdout, Does.StartWith("default via 10.231.22.1 dev eth1"), "the next network gives the default route: " + route);

            var disconnect = await Docker("network", "disconnect", "itconn-b", "itconn-web");

            Assert.That(disconnect.ExitCode, Is.Zero, disconnect.ToString());
            Assert.That((await Docker("exec", "itconn-web", "sh", "-c", "ip link show eth1 >/dev/null 2>&1; echo $?")).Stdout, Is.Not.EqualTo("0\n"));
            Assert.That((await Docker("network", "inspect", "-f", "{{len .Containers}}", "itconn-b")).Stdout.Trim(), Is.EqualTo("0"));
            Assert.That((await Docker("network", "rm", "itconn-b")).ExitCode, Is.Zero, "no endpoint is left on the network");
        }
        finally
        {
            await Docker("rm", "-f", "itconn-web");
            await Docker("network", "rm", "itconn-a", "itconn-b");
        }
    }

    [Test]
    public async Task Connect_DefaultBridgeContainerToAUserNetwork_ResolvesNamesThere()
    {
        await Docker("network", "create", "itconn-e");
        try
        {
            Assert.That((await Docker("run", "-d", "--name", "itconn-named", "--network", "itconn-e", Image, "sleep", "60")).ExitCode, Is.Zero);
            Assert.That((await Docker("run", "-d", "--name", "itconn-legacy", Image, "sleep", "60")).ExitCode, Is.Zero);

            Assert.That((await Docker("network", "connect", "itconn-e", "itconn-legacy")).ExitCode, Is.Zero);

            var resolv = await Docker("exec", "itconn-legacy", "grep", "^nameserver", "/etc/resolv.conf");
            Assert.That(resolv.Stdout, Is.EqualTo("nameserver 127.0.0.11\n"), resolv.ToString());
            var ping = await Docker("exec", "itconn-legacy", "ping", "-c", "1", "-W", "3", "itconn-named");
            Assert.That(ping.ExitCode, Is.Zero, ping.ToString());
        }
        finally
        {
            await Docker("rm", "-f", "itconn-named", "itconn-legacy");
            await Docker("network", "rm", "itconn-e");
        }
    }

    [Test]
    public async Task Connect_StoppedContainer_JoinsAtItsNextStart()
    {
        await Docker("network", "create", "--subnet", "10.231.23.0/24", "itconn-c");
        try
        {
            Assert.That((await Docker("create", "--name", "itconn-stopped", Image, "sleep", "60")).ExitCode, Is.Zero);

            Assert.That((await Docker("network", "connect", "itconn-c", "itconn-stopped")).ExitCode, Is.Zero);
            Assert.That((await Docker("start", "itconn-stopped")).ExitCode, Is.Zero);

            Assert.That(await AddressOn("itconn-stopped", "itconn-c"), Does.StartWith("10.231.23."));
            Assert.That(await AddressOn("itconn-stopped", "bridge"), Is.Not.Empty);
        }
        finally
        {
            await Docker("rm", "-f", "itconn-stopped");
            await Docker("network", "rm", "itconn-c");
        }
    }

    [Test]
    public async Task Connect_BadRequests_AreRefusedWithMobysMessages()
    {
        await Docker("network", "create", "itconn-d");
        try
        {
            Assert.That((await Docker("run", "-d", "--name", "itconn-twice", "--network", "itconn-d", Image, "sleep", "60")).ExitCode, Is.Zero);
            Assert.That((await Docker("run", "-d", "--name", "itconn-host", "--network", "host", Image, "sleep", "60")).ExitCode, Is.Zero);

            var twice = await Docker("network", "connect", "itconn-d", "itconn-twice");
            var host = await Docker("network", "connect", "itconn-d", "itconn-host");
            var toNone = await Docker("network", "connect", "none", "itconn-twice");
            var notConnected = await Docker("network", "disconnect", "bridge", "itconn-twice");
            var noNetwork = await Docker("network", "connect", "no-such-net", "itconn-twice");
            var noContainer = await Docker("network", "connect", "itconn-d", "no-such-container");

            Assert.That(twice.Stderr, Does.Contain("endpoint with name itconn-twice already exists in network itconn-d"));
            Assert.That(host.Stderr, Does.Contain("container cannot be disconnected from host network or connected to host network"));
            Assert.That(toNone.Stderr, Does.Contain("private (none) mode"));
            Assert.That(notConnected.Stderr, Does.Contain("is not connected to network bridge"));
            Assert.That(noNetwork.Stderr, Does.Contain("network no-such-net not found"));
            Assert.That(noContainer.Stderr, Does.Contain("No such container: no-such-container"));
            Assert.That((await Docker("network", "inspect", "-f", "{{len .Containers}}", "itconn-d")).Stdout.Trim(), Is.EqualTo("1"));
        }
        finally
        {
            await Docker("rm", "-f", "itconn-twice", "itconn-host");
            await Docker("network", "rm", "itconn-d");
        }
    }
}
