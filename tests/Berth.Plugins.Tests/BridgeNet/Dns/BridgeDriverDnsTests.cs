using System.Net;
using System.Text.Json;
using Berth.Plugins.BridgeNet;
using Berth.Plugins.BridgeNet.Bridge;
using Berth.Plugins.BridgeNet.Dns;
using Berth.Plugins.Tests.BridgeNet.Bridge.Support;
using Berth.Plugins.Tests.BridgeNet.Dns.Support;
using Berth.Sdk.Network;
using static Berth.Plugins.Tests.BridgeNet.Dns.Support.SandboxClient;

namespace Berth.Plugins.Tests.BridgeNet.Dns;

/// <summary>
/// Join, Leave and DeleteEndpoint with the embedded-DNS options, and a restarted driver serving again: the driver
/// works in the fixture's host namespace, the sandboxes are namespaces of the test (root only).
/// </summary>
public class BridgeDriverDnsTests : NamespaceFixture
{
    private readonly List<BridgeDriver> drivers = [];

    [TearDown]
    public async Task DisposeDriversAsync()
    {
        foreach (var driver in drivers) await driver.ShutdownAsync();
        drivers.Clear();
    }

    private BridgeDriver Driver()
    {
        var driver = NewDriver();
        drivers.Add(driver);
        return driver;
    }

    private string Sandbox(string name)
    {
        var path = CreateNamespace(name);
        var netlink = Netlink(path);
        netlink.SetUp(netlink.GetIndex("lo")!.Value);
        return path;
    }

    private static JoinRequest DnsJoin(string network, string endpoint, string sandbox, string[] names, string[]? links = null, string[]? servers = null) =>
        new(network, endpoint, sandbox, new Dictionary<string, JsonElement>
        {
            [EndpointOptions.DnsNames] = JsonSerializer.SerializeToElement(names),
            [EndpointOptions.DnsLinks] = JsonSerializer.SerializeToElement(links ?? []),
            [EndpointOptions.DnsServers] = JsonSerializer.SerializeToElement(servers ?? []),
        });

    private async Task<(string Network, string Endpoint)> EndpointAsync(BridgeDriver driver, string address = "10.77.0.2/24", string? network = null)
    {
        if (network is null)
        {
            network = NewId();
            await driver.CreateNetworkAsync(NetworkRequest(network, generic: BridgeName("berth-dns")), CancellationToken.None);
        }
        var endpoint = NewId();
        await driver.CreateEndpointAsync(EndpointRequest(network, endpoint, address), CancellationToken.None);
        return (network, endpoint);
    }

    private BridgeEndpoint Stored(string endpoint) => new BridgeStateFile(StateDirectory).Load().Endpoints[endpoint];

    [Test]
    public async Task JoinAsync_DnsNames_SandboxResolvesThemAndRegistrationSaved()
    {
        var driver = Driver();
        var (network, endpoint) = await EndpointAsync(driver);
        var sandbox = Sandbox("c1");

        var response = await driver.JoinAsync(DnsJoin(network, endpoint, sandbox, ["web", "0123456789ab"], servers: ["10.0.0.53"]), CancellationToken.None);

        Assert.That(response.Gateway, Is.EqualTo("10.77.0.1"), "Join answers as before");
        Assert.That((await QueryUdpAsync(sandbox, DnsWire.Query("web", DnsWire.A))).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.77.0.2") }));
        Assert.That((await QueryTcpAsync(sandbox, DnsWire.Query("0123456789AB", DnsWire.A))).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.77.0.2") }));
        Assert.That(Stored(endpoint).Dns, Is.EqualTo(new DnsRegistration(endpoint, network, sandbox, "10.77.0.2", null, ["web", "0123456789ab"], [], ["10.0.0.53"])));
    }

    [Test]
    public async Task JoinAsync_TwoContainersAndALink_EachResolvesTheOtherAndTheAlias()
    {
        var driver = Driver();
        var (network, web) = await EndpointAsync(driver);
        var (_, db) = await EndpointAsync(driver, "10.77.0.3/24", network);
        var webSandbox = Sandbox("web");
        var dbSandbox = Sandbox("db");

        await driver.JoinAsync(DnsJoin(network, db, dbSandbox, ["db"]), CancellationToken.None);
        await driver.JoinAsync(DnsJoin(network, web, webSandbox, ["web"], links: ["db:database"]), CancellationToken.None);

        Assert.That((await QueryUdpAsync(webSandbox, DnsWire.Query("database", DnsWire.A))).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.77.0.3") }));
        Assert.That((await QueryUdpAsync(dbSandbox, DnsWire.Query("web", DnsWire.A))).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.77.0.2") }));
        Assert.That((await QueryUdpAsync(dbSandbox, DnsWire.Query("2.0.77.10.in-addr.arpa", DnsWire.Ptr))).Answers.Single().PointerName, Is.EqualTo("web."));
    }

    [Test]
    public async Task JoinAsync_WithoutDnsOptions_NothingServed()
    {
        var driver = Driver();
        var (network, endpoint) = await EndpointAsync(driver);
        var sandbox = Sandbox("c1");

        await driver.JoinAsync(new JoinRequest(network, endpoint, sandbox, new Dictionary<string, JsonElement>()), CancellationToken.None);

        Assert.That((driver.Dns.IsServing(sandbox), Port53Free(sandbox), Stored(endpoint).Dns), Is.EqualTo((false, true, (DnsRegistration?)null)));
    }

    [Test]
    public async Task JoinAsync_SandboxGone_JoinSucceedsWithoutDns()
    {
        var driver = Driver();
        var (network, endpoint) = await EndpointAsync(driver);

        var response = await driver.JoinAsync(DnsJoin(network, endpoint, "/nonexistent/berth-test/netns", ["web"]), CancellationToken.None);

        Assert.That(response.InterfaceName.DstPrefix, Is.EqualTo("eth"));
        Assert.That(driver.Dns.Table.Get(endpoint), Is.Null);
    }

    [Test]
    public async Task JoinAsync_DnsNamesNotStrings_InvalidParameter()
    {
        var driver = Driver();
        var (network, endpoint) = await EndpointAsync(driver);
        var request = new JoinRequest(network, endpoint, "/nonexistent", new Dictionary<string, JsonElement>
        {
            [EndpointOptions.DnsNames] = JsonSerializer.SerializeToElement(new[] { 1, 2 }),
        });

        var error = await Wait.ThrowsAsync<Sdk.BerthException>(() => driver.JoinAsync(request, CancellationToken.None));

        Assert.That(error.Kind, Is.EqualTo(Sdk.BerthErrorKind.InvalidParameter));
    }

    [Test]
    public async Task LeaveAsync_AfterJoin_ListenerClosedAndRegistrationCleared()
    {
        var driver = Driver();
        var (network, endpoint) = await EndpointAsync(driver);
        var sandbox = Sandbox("c1");
        await driver.JoinAsync(DnsJoin(network, endpoint, sandbox, ["web"]), CancellationToken.None);

        await driver.LeaveAsync(network, endpoint, CancellationToken.None);

        Assert.That((driver.Dns.IsServing(sandbox), Port53Free(sandbox), Stored(endpoint).Dns), Is.EqualTo((false, true, (DnsRegistration?)null)));
    }

    [Test]
    public async Task DeleteEndpointAsync_Joined_ListenerClosed()
    {
        var driver = Driver();
        var (network, endpoint) = await EndpointAsync(driver);
        var sandbox = Sandbox("c1");
        await driver.JoinAsync(DnsJoin(network, endpoint, sandbox, ["web"]), CancellationToken.None);

        await driver.DeleteEndpointAsync(network, endpoint, CancellationToken.None);

        Assert.That((driver.Dns.IsServing(sandbox), Port53Free(sandbox)), Is.EqualTo((false, true)));
    }

    [Test]
    public async Task DeleteNetworkAsync_WithJoinedEndpoint_ListenerClosed()
    {
        var driver = Driver();
        var (network, endpoint) = await EndpointAsync(driver);
        var sandbox = Sandbox("c1");
        await driver.JoinAsync(DnsJoin(network, endpoint, sandbox, ["web"]), CancellationToken.None);

        await driver.DeleteNetworkAsync(network, CancellationToken.None);

        Assert.That((driver.Dns.IsServing(sandbox), Port53Free(sandbox)), Is.EqualTo((false, true)));
    }

    [Test]
    public async Task NewDriver_AfterJoin_ServesTheSandboxAgain()
    {
        await using var upstream = FakeUpstream.Answering(IPAddress.Parse("192.0.2.20"));
        var first = Driver();
        var (network, endpoint) = await EndpointAsync(first);
        var sandbox = Sandbox("c1");
        var gone = Path.Combine(Path.GetDirectoryName(sandbox)!, "gone");
        var (_, other) = await EndpointAsync(first, "10.77.0.3/24", network);
        await first.JoinAsync(DnsJoin(network, endpoint, sandbox, ["web"], servers: [upstream.Server]), CancellationToken.None);
        await first.JoinAsync(DnsJoin(network, other, gone, ["ghost"]), CancellationToken.None);
        // The plugin dies: its sockets with it (kill -9 closes them as this does); bridge.json stays.
        await first.ShutdownAsync();
        Assert.That(Port53Free(sandbox), Is.True);

        var second = Driver();
        await Wait.Within(second.DnsRestored);

        Assert.That(second.Dns.IsServing(sandbox), Is.True);
        Assert.That((await QueryUdpAsync(sandbox, DnsWire.Query("web", DnsWire.A))).Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.77.0.2") }));
        Assert.That((await QueryUdpAsync(sandbox, DnsWire.Query("www.example.com", DnsWire.A))).Addresses, Is.EqualTo(new[] { IPAddress.Parse("192.0.2.20") }));
        Assert.That(second.Dns.Table.Get(other), Is.Null, "the sandbox that is gone is skipped");
        await second.LeaveAsync(network, endpoint, CancellationToken.None);
        Assert.That(Port53Free(sandbox), Is.True);
    }

    [Test]
    public async Task ShutdownAsync_Serving_DnsListenersClosed()
    {
        // The plugin over a driver of the host cannot run in a test namespace; its DisposeAsync is the driver's ShutdownAsync.
        var driver = Driver();
        var (network, endpoint) = await EndpointAsync(driver);
        var sandbox = Sandbox("c1");
        await driver.JoinAsync(DnsJoin(network, endpoint, sandbox, ["web"]), CancellationToken.None);

        await driver.ShutdownAsync();

        Assert.That(Port53Free(sandbox), Is.True);
        Assert.That(typeof(IAsyncDisposable).IsAssignableFrom(typeof(BridgeNetPlugin)), Is.True, "the plugin host disposes the plugin asynchronously");
    }
}
