using System.Security.Cryptography;
using System.Text.Json;
using Berth.Plugins.BridgeNet.Bridge;
using Berth.Sdk.Network;
using Berth.Sdk.Networking.Namespaces;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Support;

/// <summary>
/// The bridge driver run inside network namespaces of the test's own (root only), so the host's links and firewall are
/// never touched: a "host" namespace where the driver makes bridges, veth pairs and iptables rules (through
/// <c>nsenter --net=PATH iptables</c>), and more namespaces a test may create to play containers. TearDown closes
/// the netlink sockets, deletes every namespace (and with it everything inside) and the temporary directory, even when
/// the test failed half-way.
/// </summary>
public abstract class NamespaceFixture
{
    private readonly List<string> namespaces = [];
    private readonly List<RtNetlink> sockets = [];
    private readonly List<BridgeDriver> drivers = [];
    private string? directory;

    protected string HostNamespace { get; private set; } = "";
    protected string StateDirectory { get; private set; } = "";

    /// <summary>A netlink socket in the host namespace, for the test's own checks.</summary>
    protected RtNetlink Host { get; private set; } = null!;

    /// <summary>iptables inside the host namespace.</summary>
    internal IptablesCommand HostIptables => new(["nsenter", $"--net={HostNamespace}", "iptables"]);

    [SetUp]
    public void CreateNamespaces()
    {
        Tools.RequireRootAndIptables();
        try
        {
            directory = Directory.CreateTempSubdirectory("berth-bridge-test-").FullName;
            StateDirectory = Directory.CreateDirectory(Path.Combine(directory, "state")).FullName;
            HostNamespace = CreateNamespace("host");
            Host = Netlink(HostNamespace);
        }
        catch
        {
            RemoveNamespaces();
            throw;
        }
    }

    [TearDown]
    public void RemoveNamespaces()
    {
        // The drivers' sockets that hold published ports keep the host namespace alive.
        foreach (var driver in drivers) driver.Dispose();
        drivers.Clear();
        foreach (var socket in sockets) socket.Dispose();
        sockets.Clear();
        var failures = new List<Exception>();
        foreach (var path in namespaces)
        {
            try
            {
                NetworkNamespace.Delete(path);
            }
            catch (IOException e)
            {
                failures.Add(e);
            }
        }
        namespaces.Clear();
        if (directory is not null && failures.Count == 0) Directory.Delete(directory, recursive: true);
        directory = null;
        if (failures.Count > 0) throw new AggregateException("could not delete every test namespace", failures);
    }

    /// <summary>Creates a namespace under the test's directory and returns its path.</summary>
    protected string CreateNamespace(string name)
    {
        var path = Path.Combine(directory!, name);
        namespaces.Add(path);
        NetworkNamespace.CreatePersistent(path);
        return path;
    }

    /// <summary>A netlink socket in the namespace at <paramref name="path"/>, closed in TearDown.</summary>
    protected RtNetlink Netlink(string path)
    {
        var netlink = NetworkNamespace.OpenNetlink(path);
        sockets.Add(netlink);
        return netlink;
    }

    /// <summary>
    /// A driver over the fixture's state directory, working in the host namespace (a new one is a plugin restart;
    /// dispose the old one first when it published ports, as the plugin's exit would). Disposed in TearDown.
    /// </summary>
    internal BridgeDriver NewDriver(IIptables? iptables = null)
    {
        var driver = new BridgeDriver(StateDirectory, () => NetworkNamespace.OpenNetlink(HostNamespace), iptables ?? HostIptables,
            new NamespaceSysctl(HostNamespace), TestContext.Out, new NamespacePortSockets(HostNamespace));
        drivers.Add(driver);
        return driver;
    }

    /// <summary>The lines of <c>iptables -t TABLE -S</c> in the host namespace.</summary>
    protected async Task<IReadOnlyList<string>> RulesAsync(string table = "filter")
    {
        var result = await HostIptables.RunAsync(["-t", table, "-S"], CancellationToken.None);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Every rule line (<c>-A …</c>) of both tables that mentions <paramref name="bridge"/>.</summary>
    protected async Task<IReadOnlyList<string>> RulesMentioningAsync(string bridge)
    {
        var lines = (await RulesAsync()).Concat(await RulesAsync("nat"));
        return lines.Where(l => l.StartsWith("-A ", StringComparison.Ordinal) && l.Split(' ').Contains(bridge)).ToList();
    }

    protected static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    protected static CreateNetworkRequest NetworkRequest(string id, string subnet = "10.77.0.0/24", string? gateway = "10.77.0.1/24",
        IReadOnlyDictionary<string, string>? generic = null, bool isInternal = false) =>
        new(id,
            new Dictionary<string, JsonElement>
            {
                ["com.docker.network.generic"] = JsonSerializer.SerializeToElement(generic ?? new Dictionary<string, string>()),
                ["com.docker.network.enable_ipv6"] = JsonSerializer.SerializeToElement(false),
                ["com.docker.network.internal"] = JsonSerializer.SerializeToElement(isInternal),
            },
            [new IpamData("LocalDefault", subnet, gateway, null)],
            []);

    protected static CreateEndpointRequest EndpointRequest(string networkId, string endpointId, string? address = "10.77.0.2/24", string? mac = null) =>
        new(networkId, endpointId, new Dictionary<string, JsonElement>(), new EndpointInterface(address, null, mac));

    protected static JoinRequest JoinRequest(string networkId, string endpointId) =>
        new(networkId, endpointId, "/var/run/berth/netns/test", new Dictionary<string, JsonElement>());

    protected static Dictionary<string, string> BridgeName(string name) => new() { ["com.docker.network.bridge.name"] = name };

    /// <summary>
    /// What the daemon does with an endpoint: create, join, move the interface into a new namespace named
    /// <paramref name="name"/> as the driver's prefix + 0, address it, bring it and lo up, route through the gateway.
    /// </summary>
    internal async Task<(string Sandbox, string Endpoint)> JoinContainerAsync(BridgeDriver driver, string network, string name, string address)
    {
        var sandbox = CreateNamespace(name);
        var endpoint = NewId();
        await driver.CreateEndpointAsync(EndpointRequest(network, endpoint, address), CancellationToken.None);
        var join = await driver.JoinAsync(JoinRequest(network, endpoint), CancellationToken.None);
        using (var target = NetworkNamespace.Open(sandbox))
            Host.MoveToNamespace(Host.GetIndex(join.InterfaceName.SrcName)!.Value, target);
        var inside = Netlink(sandbox);
        var index = inside.GetIndex(join.InterfaceName.SrcName)!.Value;
        inside.Rename(index, join.InterfaceName.DstPrefix + "0");
        var cidr = Cidr.Parse(address);
        inside.AddAddress(index, cidr.Address, cidr.PrefixLength);
        inside.SetUp(index);
        inside.SetUp(inside.GetIndex("lo")!.Value);
        inside.AddRoute(null, 0, System.Net.IPAddress.Parse(join.Gateway!), null);
        return (sandbox, endpoint);
    }
}
