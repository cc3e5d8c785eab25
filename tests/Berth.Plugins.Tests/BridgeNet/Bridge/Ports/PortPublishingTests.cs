using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Berth.Plugins.BridgeNet.Bridge;
using Berth.Plugins.BridgeNet.Bridge.Ports;
using Berth.Plugins.Tests.BridgeNet.Bridge.Support;
using Berth.Sdk;
using Berth.Sdk.Network;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Ports;

/// <summary>
/// ProgramExternalConnectivity, RevokeExternalConnectivity and what goes with them, on a driver whose networks and
/// endpoints come from a prepared <c>bridge.json</c>, with iptables and sysctl in memory. Host ports are real sockets
/// on 127.0.0.1 of the test's namespace (never listening); netlink only looks for veths that do not exist. Each test
/// runs with iptables-save/iptables-restore (batch) and without (one iptables per rule).
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
public class PortPublishingTests(bool batch)
{
    private const string NetworkId = "n1";
    private const string Bridge = "br-p0rttest";
    private const string First = "e1";
    private const string Second = "e2";
    private const string OnInternal = "e3";
    private const string WithoutAddress = "e4";

    private static readonly BridgeNetwork Network = new(NetworkId, Bridge, "10.1.0.0/24", "10.1.0.1/24", null, null, 1500,
        EnableIcc: true, EnableMasquerade: true, Internal: false, EnableIPv6: false, DefaultBridge: false, HostBindingIPv4: null,
        ContainerInterfacePrefix: "eth", CreatedBridge: false);

    private static readonly BridgeNetwork Internal = Network with { Id = "n2", BridgeName = "br-p0rtint", Subnet = "10.2.0.0/24", Gateway = "10.2.0.1/24", Internal = true };

    private readonly List<BridgeDriver> drivers = [];
    private string directory = "";
    private FakeIptables iptables = null!;
    private MemorySysctl sysctl = null!;

    [SetUp]
    public void PrepareState()
    {
        directory = Directory.CreateTempSubdirectory("berth-bridge-ports-").FullName;
        iptables = new FakeIptables { Batch = batch };
        sysctl = new MemorySysctl();
        var state = new BridgeState();
        state.Networks[Network.Id] = Network;
        state.Networks[Internal.Id] = Internal;
        state.Endpoints[First] = new BridgeEndpoint(First, NetworkId, "vethp0rt0001", "vethcp0rt0001", "10.1.0.2/24", null, "02:42:0a:01:00:02");
        state.Endpoints[Second] = new BridgeEndpoint(Second, NetworkId, "vethp0rt0002", "vethcp0rt0002", "10.1.0.3/24", null, "02:42:0a:01:00:03");
        state.Endpoints[OnInternal] = new BridgeEndpoint(OnInternal, Internal.Id, "vethp0rt0003", "vethcp0rt0003", "10.2.0.2/24", null, "02:42:0a:02:00:02");
        state.Endpoints[WithoutAddress] = new BridgeEndpoint(WithoutAddress, NetworkId, "vethp0rt0004", "vethcp0rt0004", null, null, "02:42:0a:01:00:04");
        new BridgeStateFile(directory).Save(state);
    }

    [TearDown]
    public void RemoveState()
    {
        foreach (var driver in drivers) driver.Dispose();
        drivers.Clear();
        Directory.Delete(directory, recursive: true);
    }

    [Test]
    public async Task Program_TcpAndUdp_RulesChainsAndRouteLocalnet()
    {
        var driver = NewDriver();
        var port = FreePort();

        await driver.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, port, "127.0.0.1"), Binding(17, 53, port, "127.0.0.1")), CancellationToken.None);

        Assert.That(iptables.Rules("nat", "BERTH"), Is.EqualTo(new[]
        {
            $"-d 127.0.0.1/32 -p tcp -m tcp --dport {port} -j DNAT --to-destination 10.1.0.2:80",
            $"-d 127.0.0.1/32 -p udp -m udp --dport {port} -j DNAT --to-destination 10.1.0.2:53",
        }));
        Assert.That(iptables.Rules("nat", "PREROUTING"), Is.EqualTo(new[] { "-m addrtype --dst-type LOCAL -j BERTH" }));
        Assert.That(iptables.Rules("nat", "OUTPUT"), Is.EqualTo(new[] { "-m addrtype --dst-type LOCAL -j BERTH" }));
        Assert.That(iptables.Rules("nat", "POSTROUTING"), Is.EqualTo(new[]
        {
            $"-o {Bridge} -m addrtype --src-type LOCAL -j MASQUERADE",
            $"-s 10.1.0.0/24 -d 10.1.0.2/32 -o {Bridge} -p tcp -m tcp --dport 80 -j MASQUERADE",
            $"-s 10.1.0.0/24 -d 10.1.0.2/32 -o {Bridge} -p udp -m udp --dport 53 -j MASQUERADE",
        }));
        Assert.That(iptables.Rules("filter", "BERTH-FORWARD"), Is.EqualTo(new[]
        {
            $"-d 10.1.0.2/32 ! -i {Bridge} -o {Bridge} -p tcp -m tcp --dport 80 -j ACCEPT",
            $"-d 10.1.0.2/32 ! -i {Bridge} -o {Bridge} -p udp -m udp --dport 53 -j ACCEPT",
        }));
        Assert.That(iptables.Rules("filter", "BERTH-ISOLATION").FirstOrDefault(), Is.EqualTo("-m conntrack --ctstate DNAT -j RETURN"));
        Assert.That(iptables.Rules("raw", "PREROUTING"), Has.Count.EqualTo(2));
        Assert.That(sysctl.Values[$"net.ipv4.conf.{Bridge}.route_localnet"], Is.EqualTo("1"));
    }

    [Test]
    public async Task EndpointOperInfo_Programmed_ChosenHostPorts()
    {
        var driver = NewDriver();
        var range = LocalPortRange();

        await driver.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, 0, "127.0.0.1")), CancellationToken.None);
        var info = await driver.EndpointOperInfoAsync(NetworkId, First, CancellationToken.None);

        var published = info[EndpointOptions.PortMap].Deserialize<List<PortBinding>>()!.Single();
        Assert.That(published.HostPort, Is.InRange(range.Low, range.High));
        Assert.That(published, Is.EqualTo(new PortBinding(6, "10.1.0.2", 80, "127.0.0.1", published.HostPort, published.HostPort)));
        Assert.That(info[EndpointOptions.MacAddress].GetString(), Is.EqualTo("02:42:0a:01:00:02"));
        Assert.That(CanListen(published.HostPort), Is.False);
    }

    [Test]
    public async Task EndpointOperInfo_NotProgrammed_NoPortMap()
    {
        var info = await NewDriver().EndpointOperInfoAsync(NetworkId, First, CancellationToken.None);

        Assert.That(info.Keys, Is.EqualTo(new[] { EndpointOptions.MacAddress }));
    }

    [Test]
    public async Task Program_NoHostAddress_NetworksDefaultBindingAddress()
    {
        var state = new BridgeStateFile(directory).Load();
        state.Networks[NetworkId] = Network with { HostBindingIPv4 = "127.0.0.1" };
        new BridgeStateFile(directory).Save(state);
        var driver = NewDriver();

        await driver.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, 0, "")), CancellationToken.None);

        Assert.That((await PublishedAsync(driver, First))!.Single().HostIP, Is.EqualTo("127.0.0.1"));
    }

    [Test]
    public async Task Program_PortOfAnotherEndpoint_RefusedAndTheFirstIntact()
    {
        var driver = NewDriver();
        var port = FreePort();
        await driver.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, port, "127.0.0.1")), CancellationToken.None);
        var before = Tables();

        var ex = await Wait.ThrowsAsync<BerthException>(() =>
            driver.ProgramExternalConnectivityAsync(NetworkId, Second, PortMap(Binding(6, 8000, FreePort(), "127.0.0.1"), Binding(6, 80, port, "127.0.0.1")), CancellationToken.None));

        Assert.That((ex.Kind, ex.Message), Is.EqualTo((BerthErrorKind.System, $"Bind for 127.0.0.1:{port} failed: port is already allocated")));
        Assert.That(Tables(), Is.EqualTo(before));
        Assert.That(await PublishedAsync(driver, Second), Is.Null);
        Assert.That((await PublishedAsync(driver, First))!.Single().HostPort, Is.EqualTo(port));
    }

    [Test]
    public async Task Program_FirewallFailsHalfWay_NothingLeftBehind()
    {
        var driver = NewDriver();
        var port = FreePort();
        iptables.FailOn = "-A BERTH-FORWARD -d 10.1.0.2/32";

        var ex = await Wait.ThrowsAsync<BerthException>(() =>
            driver.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, port, "127.0.0.1")), CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.System));
        Assert.That(iptables.Rules("nat", "BERTH"), Is.Empty);
        Assert.That(iptables.Rules("nat", "POSTROUTING"), Is.Empty);
        Assert.That(iptables.Rules("raw", "PREROUTING"), Is.Empty);
        Assert.That(CanListen(port), Is.True);
        Assert.That(await PublishedAsync(driver, First), Is.Null);
        Assert.That(new BridgeStateFile(directory).Load().Endpoints[First].Ports, Is.Null);
    }

    [Test]
    public async Task Program_LastTableRefused_EarlierTablesRolledBack()
    {
        var driver = NewDriver();
        var port = FreePort();
        var before = Tables();
        iptables.FailOn = $"-A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport {port}";

        var ex = await Wait.ThrowsAsync<BerthException>(() =>
            driver.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, port, "127.0.0.1")), CancellationToken.None));

        Assert.That(ex.Message, Does.Contain("simulated failure"));
        Assert.That(Tables(), Is.EqualTo(before));
        Assert.That(iptables.HasChain("nat", "BERTH"), Is.False);
        Assert.That(CanListen(port), Is.True);
        Assert.That(await PublishedAsync(driver, First), Is.Null);
    }

    [Test]
    public async Task ProgramAndRevoke_TwoEndpoints_ProcessesStarted()
    {
        var driver = NewDriver();
        var launches = new List<int>();
        async Task CountAsync(Func<Task> call)
        {
            iptables.Launches.Clear();
            await call();
            launches.Add(iptables.Launches.Count);
            if (batch) Assert.That(iptables.Launches, Is.EqualTo(new[] { "iptables-save", "iptables-restore" }));
            else Assert.That(iptables.Launches, Has.All.StartsWith("iptables -t "));
        }

        await CountAsync(() => driver.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, 0, "127.0.0.1")), CancellationToken.None));
        await CountAsync(() => driver.ProgramExternalConnectivityAsync(NetworkId, Second, PortMap(Binding(6, 80, 0, "127.0.0.1")), CancellationToken.None));
        await CountAsync(() => driver.RevokeExternalConnectivityAsync(NetworkId, Second, CancellationToken.None));
        await CountAsync(() => driver.RevokeExternalConnectivityAsync(NetworkId, First, CancellationToken.None));

        await TestContext.Out.WriteLineAsync($"processes: program {launches[0]}, program on the same bridge {launches[1]}, revoke {launches[2]}, revoke of the last {launches[3]}");
        Assert.That(Tables().Values.SelectMany(r => r), Is.Empty);
    }

    [Test]
    public async Task Revoke_Programmed_RulesAndReservationsGone()
    {
        var driver = NewDriver();
        var port = FreePort();
        await driver.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, port, "127.0.0.1"), Binding(17, 80, port, "127.0.0.1")), CancellationToken.None);

        await driver.RevokeExternalConnectivityAsync(NetworkId, First, CancellationToken.None);
        await driver.RevokeExternalConnectivityAsync(NetworkId, First, CancellationToken.None);

        Assert.That(iptables.Rules("nat", "BERTH"), Is.Empty);
        Assert.That(iptables.Rules("nat", "POSTROUTING"), Is.Empty);
        Assert.That(iptables.Rules("filter", "BERTH-FORWARD"), Is.Empty);
        Assert.That(iptables.Rules("raw", "PREROUTING"), Is.Empty);
        Assert.That(iptables.HasChain("nat", "BERTH"), Is.False, "no port is published any more: the chain and the jumps go");
        Assert.That(iptables.Rules("nat", "PREROUTING").Concat(iptables.Rules("nat", "OUTPUT")), Is.Empty);
        Assert.That(iptables.Rules("filter", "BERTH-ISOLATION"), Is.Empty);
        Assert.That(CanListen(port), Is.True);
        Assert.That(await PublishedAsync(driver, First), Is.Null);
        Assert.That(new BridgeStateFile(directory).Load().Endpoints[First].Ports, Is.Null);
    }

    [Test]
    public async Task Revoke_UnknownEndpoint_NoError() => await NewDriver().RevokeExternalConnectivityAsync(NetworkId, "unknown", CancellationToken.None);

    [Test]
    public async Task Program_Twice_OldSetReplaced()
    {
        var driver = NewDriver();
        var old = FreePort();
        var wanted = FreePort();
        await driver.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, old, "127.0.0.1")), CancellationToken.None);

        await driver.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, wanted, "127.0.0.1")), CancellationToken.None);

        Assert.That(iptables.Rules("nat", "BERTH"), Is.EqualTo(new[] { $"-d 127.0.0.1/32 -p tcp -m tcp --dport {wanted} -j DNAT --to-destination 10.1.0.2:80" }));
        Assert.That(iptables.Rules("nat", "POSTROUTING"), Has.Count.EqualTo(2));
        Assert.That(CanListen(old), Is.True);
        Assert.That(CanListen(wanted), Is.False);
    }

    [Test]
    public async Task Revoke_OneOfTwoEndpoints_BridgeRuleStaysUntilTheLast()
    {
        var driver = NewDriver();
        await driver.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, 0, "127.0.0.1")), CancellationToken.None);
        await driver.ProgramExternalConnectivityAsync(NetworkId, Second, PortMap(Binding(6, 80, 0, "127.0.0.1")), CancellationToken.None);
        var local = $"-o {Bridge} -m addrtype --src-type LOCAL -j MASQUERADE";

        await driver.RevokeExternalConnectivityAsync(NetworkId, Second, CancellationToken.None);
        var afterSecond = iptables.Rules("nat", "POSTROUTING").ToList();
        var jumpsAfterSecond = iptables.Rules("nat", "PREROUTING").ToList();
        await driver.RevokeExternalConnectivityAsync(NetworkId, First, CancellationToken.None);

        Assert.That(afterSecond, Does.Contain(local));
        Assert.That(jumpsAfterSecond, Is.EqualTo(new[] { "-m addrtype --dst-type LOCAL -j BERTH" }));
        Assert.That(iptables.Rules("nat", "BERTH"), Is.Empty);
        Assert.That(iptables.Rules("nat", "POSTROUTING"), Is.Empty);
    }

    [Test]
    public async Task Program_InternalNetwork_NothingPublished()
    {
        var driver = NewDriver();

        await driver.ProgramExternalConnectivityAsync(Internal.Id, OnInternal, PortMap(Binding(6, 80, 0, "127.0.0.1")), CancellationToken.None);

        Assert.That(iptables.Calls, Is.Empty);
        Assert.That(await PublishedAsync(driver, OnInternal), Is.Null);
    }

    [Test]
    public async Task Program_IPv6HostAddressOnly_Skipped()
    {
        var driver = NewDriver();

        await driver.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, 0, "::")), CancellationToken.None);

        Assert.That(iptables.Calls, Is.Empty);
        Assert.That(await PublishedAsync(driver, First), Is.Null);
    }

    [Test]
    public async Task Program_EndpointWithoutIPv4Address_NothingPublished()
    {
        var driver = NewDriver();

        await driver.ProgramExternalConnectivityAsync(NetworkId, WithoutAddress, PortMap(Binding(6, 80, 0, "127.0.0.1")), CancellationToken.None);

        Assert.That(await PublishedAsync(driver, WithoutAddress), Is.Null);
    }

    [Test]
    public async Task DeleteEndpoint_Programmed_PortsRevoked()
    {
        var driver = NewDriver();
        var port = FreePort();
        await driver.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, port, "127.0.0.1")), CancellationToken.None);

        await driver.DeleteEndpointAsync(NetworkId, First, CancellationToken.None);

        Assert.That(iptables.Rules("nat", "BERTH"), Is.Empty);
        Assert.That(iptables.Rules("filter", "BERTH-FORWARD"), Is.Empty);
        Assert.That(CanListen(port), Is.True);
    }

    [Test]
    public async Task DeleteNetwork_EndpointsProgrammed_PortsRevoked()
    {
        var driver = NewDriver();
        var port = FreePort();
        await driver.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, port, "127.0.0.1")), CancellationToken.None);
        await driver.ProgramExternalConnectivityAsync(NetworkId, Second, PortMap(Binding(17, 53, 0, "127.0.0.1")), CancellationToken.None);

        await driver.DeleteNetworkAsync(NetworkId, CancellationToken.None);

        Assert.That(iptables.Rules("nat", "BERTH"), Is.Empty);
        Assert.That(iptables.Rules("nat", "POSTROUTING"), Is.Empty);
        Assert.That(iptables.Rules("filter", "BERTH-FORWARD"), Is.Empty);
        Assert.That(CanListen(port), Is.True);
    }

    [Test]
    public async Task NewDriver_AfterThePluginExited_PortsHeldAgainAndStillPublished()
    {
        var first = NewDriver();
        var port = FreePort();
        await first.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, port, "127.0.0.1")), CancellationToken.None);
        first.Dispose();
        Assert.That(CanListen(port), Is.True, "the plugin's exit frees the port");

        var restarted = NewDriver();

        Assert.That(CanListen(port), Is.False, "held again at start");
        Assert.That((await PublishedAsync(restarted, First))!.Single().HostPort, Is.EqualTo(port));
        var ex = await Wait.ThrowsAsync<BerthException>(() =>
            restarted.ProgramExternalConnectivityAsync(NetworkId, Second, PortMap(Binding(6, 80, port, "127.0.0.1")), CancellationToken.None));
        Assert.That(ex.Message, Does.EndWith("port is already allocated"));
        await restarted.RevokeExternalConnectivityAsync(NetworkId, First, CancellationToken.None);
        Assert.That(CanListen(port), Is.True);
    }

    [Test]
    public async Task NewDriver_OldPluginStillHoldsThePort_HeldOnceItStops()
    {
        var old = NewDriver();
        var port = FreePort();
        await old.ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, port, "127.0.0.1")), CancellationToken.None);

        var upgraded = NewDriver();
        old.Dispose();

        await Wait.Eventually(() => !CanListen(port), "the new driver to hold the port");
        await upgraded.RevokeExternalConnectivityAsync(NetworkId, First, CancellationToken.None);
        Assert.That(CanListen(port), Is.True);
    }

    [Test]
    public async Task StateFile_Programmed_PortsKeptOnTheEndpoint()
    {
        var port = FreePort();
        await NewDriver().ProgramExternalConnectivityAsync(NetworkId, First, PortMap(Binding(6, 80, port, "127.0.0.1")), CancellationToken.None);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, BridgeStateFile.FileName)));

        var endpoint = json.RootElement.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("id").GetString() == First);
        Assert.That(JsonSerializer.Serialize(endpoint.GetProperty("ports")), Is.EqualTo(
            $$"""[{"proto":"tcp","hostIP":"127.0.0.1","hostPort":{{port}},"containerIP":"10.1.0.2","containerPort":80}]"""));
        var other = json.RootElement.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("id").GetString() == Second);
        Assert.That(other.TryGetProperty("ports", out _), Is.False);
    }

    [Test]
    public void StateFile_WrittenBeforePorts_LoadsWithoutPorts()
    {
        File.WriteAllText(Path.Combine(directory, BridgeStateFile.FileName), """
            { "version": 1, "networks": [],
              "endpoints": [ { "id": "e9", "networkId": "n9", "hostInterface": "veth1a2b3c4", "containerInterface": "vethc5d6e7f",
                               "address": "172.18.0.2/16", "macAddress": "02:42:ac:12:00:02" } ] }
            """);

        var endpoint = new BridgeStateFile(directory).Load().Endpoints["e9"];

        Assert.That((endpoint.Address, endpoint.Ports), Is.EqualTo(("172.18.0.2/16", (IReadOnlyList<PublishedPort>?)null)));
    }

    private BridgeDriver NewDriver()
    {
        var driver = new BridgeDriver(directory, () => new RtNetlink(), iptables, sysctl, TestContext.Out);
        drivers.Add(driver);
        return driver;
    }

    private static async Task<IReadOnlyList<PortBinding>?> PublishedAsync(BridgeDriver driver, string endpoint)
    {
        var info = await driver.EndpointOperInfoAsync("", endpoint, CancellationToken.None);
        return info.TryGetValue(EndpointOptions.PortMap, out var map) ? map.Deserialize<List<PortBinding>>() : null;
    }

    private Dictionary<string, string[]> Tables() =>
        new[] { ("nat", "BERTH"), ("nat", "POSTROUTING"), ("nat", "PREROUTING"), ("nat", "OUTPUT"), ("filter", "BERTH-FORWARD"), ("filter", "BERTH-ISOLATION"), ("raw", "PREROUTING") }
            .ToDictionary(t => $"{t.Item1} {t.Item2}", t => iptables.Rules(t.Item1, t.Item2).ToArray());

    private static PortBinding Binding(int proto, int port, int hostPort, string hostIP) => new(proto, "", port, hostIP, hostPort, 0);

    private static Dictionary<string, JsonElement> PortMap(params PortBinding[] bindings) => new()
    {
        [EndpointOptions.PortMap] = JsonSerializer.SerializeToElement(bindings),
        [EndpointOptions.ExposedPorts] = JsonSerializer.SerializeToElement(bindings.Select(b => new ExposedPort(b.Proto, b.Port)).Distinct()),
    };

    private static (int Low, int High) LocalPortRange()
    {
        var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>A port free for tcp and udp on 127.0.0.1 right now.</summary>
    private static int FreePort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free port");
    }

    private static bool CanListen(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen();
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
    }
}
