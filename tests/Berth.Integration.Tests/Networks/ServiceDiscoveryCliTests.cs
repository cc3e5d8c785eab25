using System.Net;
using System.Net.Sockets;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Networks;

/// <summary>
/// The embedded DNS (127.0.0.11) of user-defined networks through the docker CLI: container names, network aliases and
/// legacy links resolve within a network and not across networks; other names go to the container's resolvers. The
/// only resolver the tests forward to is one the test runs on a loopback address of this machine.
/// </summary>
[TestFixture]
public sealed class ServiceDiscoveryCliTests : BusyboxDaemonFixture
{
    private const string WebCommand = "mkdir -p /www && echo hello-dns > /www/index.html && busybox httpd -f -p 80 -h /www";

    private static string Fetch(string url) => $"busybox timeout 10 busybox wget -qO- {url}; echo rc=$?";

    [Test]
    public async Task Run_UserNetwork_ReachesByNameAliasAndLinkButNotFromAnotherNetwork()
    {
        await Docker("network", "create", "itdns-a");
        await Docker("network", "create", "itdns-b");
        try
        {
            var web = await Docker("run", "-d", "--name", "itdns-web", "--network", "itdns-a", "--network-alias", "www", Image, "sh", "-c", WebCommand);
            Assert.That(web.ExitCode, Is.Zero, web.ToString());

            var byName = await Docker("run", "--rm", "--network", "itdns-a", Image, "sh", "-c", Fetch("http://itdns-web/"));
            var byAlias = await Docker("run", "--rm", "--network", "itdns-a", Image, "sh", "-c", Fetch("http://WWW/"));
            var byLink = await Docker("run", "--rm", "--network", "itdns-a", "--link", "itdns-web:legacy", Image, "sh", "-c", Fetch("http://legacy/"));
            var across = await Docker("run", "--rm", "--network", "itdns-b", Image, "sh", "-c", Fetch("http://itdns-web/"));

            Assert.That(byName.Stdout, Is.EqualTo("hello-dns\nrc=0\n"), byName.ToString());
            Assert.That(byAlias.Stdout, Is.EqualTo("hello-dns\nrc=0\n"), byAlias.ToString());
            Assert.That(byLink.Stdout, Is.EqualTo("hello-dns\nrc=0\n"), byLink.ToString());
            Assert.That(across.Stdout, Does.StartWith("rc=").And.Not.EqualTo("rc=0\n"), across.ToString());
        }
        finally
        {
            await Docker("rm", "-f", "itdns-web");
            await Docker("network", "rm", "itdns-a", "itdns-b");
        }
    }

    [Test]
    public async Task Run_ResolvConf_NamesTheEmbeddedDnsOnUserNetworksOnly()
    {
        await Docker("network", "create", "itdns-c");
        try
        {
            var user = await Docker("run", "--rm", "--network", "itdns-c", Image, "grep", "^nameserver", "/etc/resolv.conf");
            var bridge = await Docker("run", "--rm", Image, "grep", "-c", "127.0.0.11", "/etc/resolv.conf");

            Assert.That(user.Stdout, Is.EqualTo("nameserver 127.0.0.11\n"), user.ToString());
            Assert.That(bridge.Stdout, Is.EqualTo("0\n"), bridge.ToString());
        }
        finally
        {
            await Docker("network", "rm", "itdns-c");
        }
    }

    [Test]
    public async Task Run_OtherName_IsForwardedToTheContainersResolver()
    {
        await using var upstream = new FakeResolver(IPAddress.Parse("127.0.0.77"), "upstream.test", IPAddress.Parse("10.9.9.9"));
        await Docker("network", "create", "itdns-d");
        try
        {
            var lookup = await Docker("run", "--rm", "--network", "itdns-d", "--dns", "127.0.0.77", Image, "busybox", "nslookup", "upstream.test");

            Assert.That(lookup.Stdout, Does.Contain("10.9.9.9"), lookup.ToString());
            Assert.That(upstream.Queries, Is.GreaterThan(0));
        }
        finally
        {
            await Docker("network", "rm", "itdns-d");
        }
    }

    [Test]
    public async Task KillNine_BridgeNetPlugin_NamesResolveAgainAndConnectDisconnectWork()
    {
        await Docker("network", "create", "itdns-k");
        await Docker("network", "create", "itdns-k2");
        try
        {
            Assert.That((await Docker("run", "-d", "--name", "itdns-kweb", "--network", "itdns-k", Image, "sh", "-c", WebCommand)).ExitCode, Is.Zero);
            Assert.That((await Docker("run", "-d", "--name", "itdns-kclient", "--network", "itdns-k", Image, "sleep", "120")).ExitCode, Is.Zero);
            var old = Daemon.PluginPid("bridge-net")!.Value;

            await Processes.RunAsync("kill", ["-9", old.ToString(global::System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.That(await Processes.EventuallyAsync(() => Daemon.PluginPid("bridge-net") is { } p && p != old, TimeSpan.FromSeconds(10)), "bridge-net restarted");
            Assert.That(await Daemon.WaitForPluginStateAsync("bridge-net", "running"), "bridge-net serves again");

            var byName = await Docker("exec", "itdns-kclient", "sh", "-c", Fetch("http://itdns-kweb/"));
            Assert.That(byName.Stdout, Is.EqualTo("hello-dns\nrc=0\n"), "the restarted plugin serves the running containers' names: " + byName);
            var connect = await Docker("network", "connect", "itdns-k2", "itdns-kweb");
            Assert.That(connect.ExitCode, Is.Zero, connect.ToString());
            var viaSecond = await Docker("run", "--rm", "--network", "itdns-k2", Image, "sh", "-c", Fetch("http://itdns-kweb/"));
            Assert.That(viaSecond.Stdout, Is.EqualTo("hello-dns\nrc=0\n"), "connected to both networks: " + viaSecond);
            var disconnect = await Docker("network", "disconnect", "itdns-k2", "itdns-kweb");
            Assert.That(disconnect.ExitCode, Is.Zero, disconnect.ToString());
            var afterDisconnect = await Docker("run", "--rm", "--network", "itdns-k2", Image, "sh", "-c", Fetch("http://itdns-kweb/"));
            Assert.That(afterDisconnect.Stdout, Does.StartWith("rc=").And.Not.EqualTo("rc=0\n"), afterDisconnect.ToString());
        }
        finally
        {
            await Docker("rm", "-f", "itdns-kweb", "itdns-kclient");
            await Docker("network", "rm", "itdns-k", "itdns-k2");
        }
    }

    /// <summary>A resolver on a loopback address of this machine that answers one name with one IPv4 address and refuses the rest.</summary>
    private sealed class FakeResolver : IAsyncDisposable
    {
        private readonly UdpClient socket;
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;
        private int queries;

        public FakeResolver(IPAddress listen, string name, IPAddress answer)
        {
            socket = new UdpClient(new IPEndPoint(listen, 53));
            loop = ServeAsync(name, answer);
        }

        public int Queries => Volatile.Read(ref queries);

        private async Task ServeAsync(string name, IPAddress answer)
        {
            while (!stop.IsCancellationRequested)
            {
                UdpReceiveResult request;
                try
                {
                    request = await socket.ReceiveAsync(stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                Interlocked.Increment(ref queries);
                await socket.SendAsync(Answer(request.Buffer, name, answer), request.RemoteEndPoint, stop.Token);
            }
        }

        /// <summary>The query with QR set and, for an A query of <paramref name="name"/>, one answer pointing back at the question.</summary>
        private static byte[] Answer(byte[] query, string name, IPAddress answer)
        {
            var end = 12;
            var labels = new List<string>();
            while (query[end] != 0)
            {
                labels.Add(global::System.Text.Encoding.ASCII.GetString(query, end + 1, query[end]));
                end += query[end] + 1;
            }
            var type = (query[end + 1] << 8) | query[end + 2];
            var questionEnd = end + 5;
            var matches = string.Join('.', labels).Equals(name, StringComparison.OrdinalIgnoreCase) && type == 1;
            var response = new List<byte>(query[..questionEnd]);
            response[2] = (byte)(0x80 | (query[2] & 0x01));
            response[3] = (byte)(matches ? 0x80 : 0x83);
            response[6] = 0;
            response[7] = (byte)(matches ? 1 : 0);
            response[8] = response[9] = response[10] = response[11] = 0;
            if (matches) response.AddRange([0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, .. answer.GetAddressBytes()]);
            return [.. response];
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            socket.Dispose();
            try
            {
                await loop;
            }
            catch (ObjectDisposedException)
            {
                // The socket closed under the pending receive.
            }
            stop.Dispose();
        }
    }
}
