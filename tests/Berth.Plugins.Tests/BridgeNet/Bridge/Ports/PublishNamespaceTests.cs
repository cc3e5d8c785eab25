using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Berth.Plugins.BridgeNet.Bridge;
using Berth.Plugins.Tests.BridgeNet.Bridge.Support;
using Berth.Sdk;
using Berth.Sdk.Network;
using Berth.Sdk.Networking.Namespaces;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Ports;

/// <summary>
/// End to end inside the test's namespaces: the driver publishes a port of a "container" namespace whose TCP server
/// answers with its name; connections from the "host" namespace (its bridge address and 127.0.0.1) and from other
/// containers through host addresses reach it while it is published and are refused once it is revoked. Every
/// socket lives in a namespace the test made, and goes with it.
/// </summary>
public class PublishNamespaceTests : NamespaceFixture
{
    private const string Bridge = "berth-p";
    private const int HostPort = 18080;
    private const int ContainerPort = 8080;
    private readonly List<Greeter> greeters = [];

    [TearDown]
    public async Task StopGreeters()
    {
        foreach (var greeter in greeters) await greeter.DisposeAsync();
        greeters.Clear();
    }

    [Test]
    public async Task Program_TcpPort_ReachableFromTheHostUntilRevoked()
    {
        var driver = NewDriver();
        var network = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(network, generic: BridgeName(Bridge)), CancellationToken.None);
        var rulesBefore = await RulesMentioningAsync(Bridge);
        var (c1, endpoint) = await ContainerAsync(driver, network, "c1", "10.77.0.2/24");
        LoopbackUp(HostNamespace);

        await driver.ProgramExternalConnectivityAsync(network, endpoint, PortMap(new PortBinding(6, "", ContainerPort, "", HostPort, 0)), CancellationToken.None);

        Assert.That(await ConnectAsync(HostNamespace, "10.77.0.1", HostPort), Is.EqualTo("c1"), "host -> its bridge address");
        Assert.That(await ConnectAsync(HostNamespace, "127.0.0.1", HostPort), Is.EqualTo("c1"), "host -> 127.0.0.1");
        Assert.That(new NamespaceSysctl(HostNamespace).Read($"net.ipv4.conf.{Bridge}.route_localnet"), Is.EqualTo("1"));
        Assert.That(await HairpinAsync(), Is.EqualTo(Tools.Find("bridge") is null ? "unknown" : "on"));
        Assert.That(CanBind(HostNamespace, HostPort), Is.False, "the port is held");
        _ = c1;

        await driver.RevokeExternalConnectivityAsync(network, endpoint, CancellationToken.None);

        Assert.That(await ConnectAsync(HostNamespace, "10.77.0.1", HostPort), Is.EqualTo("refused"));
        Assert.That(await ConnectAsync(HostNamespace, "127.0.0.1", HostPort), Is.EqualTo("refused"));
        Assert.That(await RulesMentioningAsync(Bridge), Is.EquivalentTo(rulesBefore));
        Assert.That((await RulesAsync("nat")).Where(l => l.Contains("BERTH", StringComparison.Ordinal)), Is.Empty, "no chain, no jumps");
        Assert.That((await RulesAsync()).Where(l => l.Contains("DNAT", StringComparison.Ordinal)), Is.Empty);
        Assert.That(CanBind(HostNamespace, HostPort), Is.True, "the port is free");
    }

    [Test]
    public async Task Program_TcpPort_ReachableFromContainersThroughHostAddresses()
    {
        var driver = NewDriver();
        var blue = NewId();
        var green = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(blue, generic: BridgeName(Bridge)), CancellationToken.None);
        await driver.CreateNetworkAsync(NetworkRequest(green, subnet: "10.78.0.0/24", gateway: "10.78.0.1/24", generic: BridgeName("berth-g")), CancellationToken.None);
        var (c1, endpoint) = await ContainerAsync(driver, blue, "c1", "10.77.0.2/24");
        var (c2, _) = await ContainerAsync(driver, blue, "c2", "10.77.0.3/24");
        var (c3, _) = await ContainerAsync(driver, green, "c3", "10.78.0.2/24");

        await driver.ProgramExternalConnectivityAsync(blue, endpoint, PortMap(new PortBinding(6, "", ContainerPort, "", HostPort, 0)), CancellationToken.None);

        Assert.That(await ConnectAsync(c1, "10.77.0.1", HostPort), Is.EqualTo("c1"), "c1 -> its own published port (hairpin)");
        Assert.That(await ConnectAsync(c2, "10.77.0.1", HostPort), Is.EqualTo("c1"), "c2 on the same network");
        Assert.That(await ConnectAsync(c3, "10.78.0.1", HostPort), Is.EqualTo("c1"), "c3 on another network, through its gateway");
        Assert.That(await ConnectAsync(c3, "10.77.0.2", ContainerPort, TimeSpan.FromSeconds(2)), Is.EqualTo("timeout"), "c3 -> c1 directly stays isolated");

        // The isolation chain's DNAT exception is what lets c3 through: without it the isolation rules drop it.
        var exception = (await HostIptables.RunAsync(["-t", "filter", "-D", "BERTH-ISOLATION", "-m", "conntrack", "--ctstate", "DNAT", "-j", "RETURN"], CancellationToken.None)).ExitCode;
        Assert.That(exception, Is.Zero);
        Assert.That(await ConnectAsync(c3, "10.78.0.1", HostPort, TimeSpan.FromSeconds(2)), Is.EqualTo("timeout"), "c3 without the DNAT exception");
    }

    [Test]
    public async Task Program_LoopbackHostAddress_OnlyThere()
    {
        var driver = NewDriver();
        var network = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(network, generic: BridgeName(Bridge)), CancellationToken.None);
        var (_, endpoint) = await ContainerAsync(driver, network, "c1", "10.77.0.2/24");
        LoopbackUp(HostNamespace);

        await driver.ProgramExternalConnectivityAsync(network, endpoint, PortMap(new PortBinding(6, "", ContainerPort, "127.0.0.1", HostPort, 0)), CancellationToken.None);

        Assert.That(await ConnectAsync(HostNamespace, "127.0.0.1", HostPort), Is.EqualTo("c1"));
        Assert.That(await ConnectAsync(HostNamespace, "10.77.0.1", HostPort), Is.EqualTo("refused"));
        Assert.That(await RulesAsync("raw"), Does.Contain($"-A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport {HostPort} -j DROP"));
    }

    [Test]
    public async Task Program_UdpPort_DatagramsReachTheContainerAndTheAnswerComesBack()
    {
        var driver = NewDriver();
        var network = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(network, generic: BridgeName(Bridge)), CancellationToken.None);
        var (c1, endpoint) = await ContainerAsync(driver, network, "c1", "10.77.0.2/24");
        using var server = await NetworkNamespace.RunAsync(c1, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        server.Bind(new IPEndPoint(IPAddress.Any, ContainerPort));
        using var client = await NetworkNamespace.RunAsync(HostNamespace, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await driver.ProgramExternalConnectivityAsync(network, endpoint, PortMap(new PortBinding(17, "", ContainerPort, "", HostPort, 0)), CancellationToken.None);
        await client.SendToAsync(Encoding.ASCII.GetBytes("ping"), new IPEndPoint(IPAddress.Parse("10.77.0.1"), HostPort), deadline.Token);
        var buffer = new byte[16];
        var received = await server.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), deadline.Token);
        await server.SendToAsync(Encoding.ASCII.GetBytes("c1"), received.RemoteEndPoint, deadline.Token);
        var answer = await client.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), deadline.Token);

        Assert.That(Encoding.ASCII.GetString(buffer, 0, answer.ReceivedBytes), Is.EqualTo("c1"));
        Assert.That(answer.RemoteEndPoint, Is.EqualTo(new IPEndPoint(IPAddress.Parse("10.77.0.1"), HostPort)));
    }

    [Test]
    public async Task NewDriver_PluginKilledAndRulesLost_PortHeldAtStartAndRulesBackOnReplay()
    {
        var network = NewId();
        var first = NewDriver();
        await first.CreateNetworkAsync(NetworkRequest(network, generic: BridgeName(Bridge)), CancellationToken.None);
        var (_, endpoint) = await ContainerAsync(first, network, "c1", "10.77.0.2/24");
        LoopbackUp(HostNamespace);
        await first.ProgramExternalConnectivityAsync(network, endpoint, PortMap(new PortBinding(6, "", ContainerPort, "", HostPort, 0)), CancellationToken.None);
        var nat = await RulesAsync("nat");
        first.Dispose();
        Assert.That((await HostIptables.RunAsync(["-t", "nat", "-F"], CancellationToken.None)).ExitCode, Is.Zero);

        var restarted = NewDriver();
        Assert.That(CanBind(HostNamespace, HostPort), Is.False, "held again at start");
        await restarted.CreateNetworkAsync(NetworkRequest(network, generic: BridgeName(Bridge)), CancellationToken.None);

        Assert.That(await RulesAsync("nat"), Is.EquivalentTo(nat));
        Assert.That(await ConnectAsync(HostNamespace, "10.77.0.1", HostPort), Is.EqualTo("c1"));
        var info = await restarted.EndpointOperInfoAsync(network, endpoint, CancellationToken.None);
        Assert.That(info[EndpointOptions.PortMap].Deserialize<List<PortBinding>>()!.Single().HostPort, Is.EqualTo(HostPort));
    }

    [Test]
    public async Task Program_PortTakenByAHostProgram_RefusedAndNothingLeft()
    {
        var driver = NewDriver();
        var network = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(network, generic: BridgeName(Bridge)), CancellationToken.None);
        var (_, endpoint) = await ContainerAsync(driver, network, "c1", "10.77.0.2/24");
        var rulesBefore = await RulesMentioningAsync(Bridge);
        using var program = await NetworkNamespace.RunAsync(HostNamespace, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        program.Bind(new IPEndPoint(IPAddress.Any, HostPort));
        program.Listen();

        var ex = await Wait.ThrowsAsync<BerthException>(() =>
            driver.ProgramExternalConnectivityAsync(network, endpoint, PortMap(new PortBinding(6, "", ContainerPort, "", HostPort, 0)), CancellationToken.None));

        Assert.That((ex.Kind, ex.Message), Is.EqualTo((BerthErrorKind.System, $"failed to bind host port for 0.0.0.0:{HostPort}:10.77.0.2:{ContainerPort}/tcp: address already in use")));
        Assert.That(await RulesMentioningAsync(Bridge), Is.EquivalentTo(rulesBefore));
        Assert.That((await RulesAsync("nat")).Where(l => l.StartsWith("-A BERTH ", StringComparison.Ordinal)), Is.Empty);
    }

    private static Dictionary<string, JsonElement> PortMap(params PortBinding[] bindings) => new()
    {
        [EndpointOptions.PortMap] = JsonSerializer.SerializeToElement(bindings),
        [EndpointOptions.ExposedPorts] = JsonSerializer.SerializeToElement(bindings.Select(b => new ExposedPort(b.Proto, b.Port))),
    };

    /// <summary>What the daemon does with an endpoint (create, join, move into the sandbox, configure), plus a greeter on the container port.</summary>
    private async Task<(string Sandbox, string Endpoint)> ContainerAsync(BridgeDriver driver, string network, string name, string address)
    {
        var (sandbox, endpoint) = await JoinContainerAsync(driver, network, name, address);
        greeters.Add(Greeter.Start(sandbox, name, ContainerPort));
        return (sandbox, endpoint);
    }

    private void LoopbackUp(string path)
    {
        var netlink = path == HostNamespace ? Host : Netlink(path);
        netlink.SetUp(netlink.GetIndex("lo")!.Value);
    }

    /// <summary>Connects from the namespace and reads the greeting: the container's name, <c>refused</c> or <c>timeout</c>.</summary>
    private static async Task<string> ConnectAsync(string fromNamespace, string address, int port, TimeSpan? timeout = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var client = await NetworkNamespace.RunAsync(fromNamespace, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
            try
            {
                await client.ConnectAsync(new IPEndPoint(IPAddress.Parse(address), port), deadline.Token);
                var buffer = new byte[64];
                var total = 0;
                int read;
                while ((read = await client.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, deadline.Token)) > 0) total += read;
                return Encoding.ASCII.GetString(buffer, 0, total);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return "refused";
            }
            catch (OperationCanceledException) when (timeout is not null || attempt >= 2)
            {
                return "timeout";
            }
            catch (OperationCanceledException)
            {
                // A fresh bridge port may still be coming up (learning, carrier): try again.
            }
        }
    }

    /// <summary>True when a program in the namespace could bind the TCP port on every address (as .NET does, with SO_REUSEADDR).</summary>
    private static bool CanBind(string path, int port)
    {
        using var socket = NetworkNamespace.Run(path, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            socket.Listen();
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
    }

    /// <summary>The hairpin setting of the only veth on the bridge, as <c>bridge -d link show</c> prints it; <c>unknown</c> without the tool.</summary>
    private async Task<string> HairpinAsync()
    {
        if (Tools.Find("bridge") is not { } tool) return "unknown";
        var bridgeIndex = Host.GetIndex(Bridge)!.Value;
        var veth = Host.GetLinks().Single(l => l.Kind == "veth" && l.MasterIndex == bridgeIndex).Name;
        var start = new ProcessStartInfo(Tools.Find("nsenter")!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { $"--net={HostNamespace}", tool, "-d", "link", "show", "dev", veth }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var words = output.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var at = Array.IndexOf(words, "hairpin");
        return at >= 0 && at + 1 < words.Length ? words[at + 1] : output;
    }

    /// <summary>A TCP server in a namespace that writes its name to every connection and closes it.</summary>
    private sealed class Greeter : IAsyncDisposable
    {
        private readonly Socket listener;
        private readonly Task loop;

        private Greeter(Socket listener, byte[] greeting)
        {
            this.listener = listener;
            loop = AcceptAsync(greeting);
        }

        public static Greeter Start(string path, string name, int port)
        {
            var listener = NetworkNamespace.Run(path, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            listener.Bind(new IPEndPoint(IPAddress.Any, port));
            listener.Listen();
            return new Greeter(listener, Encoding.ASCII.GetBytes(name));
        }

        public async ValueTask DisposeAsync()
        {
            listener.Dispose();
            await loop;
        }

        private async Task AcceptAsync(byte[] greeting)
        {
            try
            {
                while (true)
                {
                    using var connection = await listener.AcceptAsync();
                    await connection.SendAsync(greeting, SocketFlags.None);
                    connection.Shutdown(SocketShutdown.Both);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The listener was closed: the test is over.
            }
        }
    }
}
