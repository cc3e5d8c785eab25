using System.Text.Json;
using Berth.Sdk.Network;

namespace Berth.Sdk.Testing;

/// <summary>
/// Checks an <see cref="INetworkDriver"/> against libnetwork's remote-driver contract as berthd uses it: networks that
/// berthd creates again whenever a plugin process starts (so CreateNetwork must be idempotent), endpoints whose Join
/// names a host interface berthd moves into the container's sandbox, tear-down that leaves no interface on the host,
/// and the error classes berthd expects. Derive a <c>[TestFixture]</c> and build your driver in
/// <see cref="CreateNetworkDriverAsync"/>. It runs as root (it makes a network namespace per test, as berthd makes one
/// per container, and your driver makes real interfaces); everything made is removed afterwards. Give each network the
/// options your driver needs in <see cref="NetworkOptions"/>. The kit's networks use <see cref="TestSubnet"/>.
/// </summary>
public abstract partial class NetworkDriverConformance
{
    private readonly DriverInstances<INetworkDriver> drivers;
    private readonly HashSet<string> networks = new(StringComparer.Ordinal);
    private readonly HashSet<string> handedInterfaces = new(StringComparer.Ordinal);
    private ConformanceWorkspace? workspace;
    private CancellationTokenSource? timeout;
    private IReadOnlySet<string> linksBefore = new HashSet<string>();
    private string sandboxName = "";
    private int moved;

    /// <summary>A driver keeping its state under <paramref name="root"/>; called again with the same root to check a restart.</summary>
    protected abstract Task<INetworkDriver> CreateNetworkDriverAsync(string root, CancellationToken ct);

    protected NetworkDriverConformance() => drivers = new DriverInstances<INetworkDriver>(d => DisposeNetworkDriverAsync(d), "network driver");

    /// <summary>Releases a driver; by default disposes it when it is (async) disposable.</summary>
    protected virtual Task DisposeNetworkDriverAsync(INetworkDriver d) => DriverInstances<INetworkDriver>.DisposeDefaultAsync(d);

    /// <summary>The <c>--opt</c> values of the kit's <paramref name="n"/>th network (none by default).</summary>
    protected virtual IReadOnlyDictionary<string, string> NetworkOptions(int n) => new Dictionary<string, string>();

    /// <summary>The IPv4 subnet of the kit's <paramref name="n"/>th network (10.252.n.0/24 by default); .1 is its gateway.</summary>
    protected virtual string TestSubnet(int n) => $"10.252.{n}.0/24";

    /// <summary>How long one test may take before its driver calls are cancelled.</summary>
    protected virtual TimeSpan TestTimeout => TimeSpan.FromMinutes(1);

    protected INetworkDriver Driver => drivers.Current;

    protected CancellationToken Cancellation => timeout?.Token ?? CancellationToken.None;

    /// <summary>The test's sandbox: a network namespace standing for a container's (its path is the SandboxKey of Join).</summary>
    protected string SandboxKey => Path.Combine("/run/netns", sandboxName);

    [SetUp]
    public async Task SetUpNetworkDriverAsync()
    {
        Privileges.RequireRoot();
        timeout = new CancellationTokenSource(TestTimeout);
        workspace = ConformanceWorkspace.Create();
        try
        {
            linksBefore = await HostNetwork.LinkNamesAsync(Cancellation).ConfigureAwait(false);
            sandboxName = "berth-kit-" + Guid.NewGuid().ToString("N")[..8];
            await HostNetwork.CreateNamespaceAsync(sandboxName, Cancellation).ConfigureAwait(false);
            await NewDriverAsync().ConfigureAwait(false);
        }
        catch
        {
            await TearDownNetworkDriverAsync().ConfigureAwait(false);
            throw;
        }
    }

    [TearDown]
    public async Task TearDownNetworkDriverAsync()
    {
        try
        {
            if (!drivers.IsEmpty)
            {
                foreach (var network in networks)
                {
                    try
                    {
                        await Driver.DeleteNetworkAsync(network, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        await TestContext.Out.WriteLineAsync($"clean-up: DeleteNetwork {network[..12]} failed: {ex.Message}").ConfigureAwait(false);
                    }
                }
            }
            await drivers.DisposeAllAsync().ConfigureAwait(false);
            if (sandboxName.Length > 0) await HostNetwork.DeleteNamespaceAsync(sandboxName).ConfigureAwait(false);
            foreach (var name in handedInterfaces) await HostNetwork.DeleteLinkAsync(name).ConfigureAwait(false);
        }
        finally
        {
            networks.Clear();
            handedInterfaces.Clear();
            sandboxName = "";
            workspace?.Dispose();
            workspace = null;
            timeout?.Dispose();
            timeout = null;
        }
    }

    /// <summary>Another driver over the same root: a plugin restart or upgrade (stop the old one first with <see cref="StopDriverAsync"/>).</summary>
    protected async Task<INetworkDriver> NewDriverAsync()
    {
        var root = (workspace ?? throw new InvalidOperationException("no workspace outside a test")).Root;
        return drivers.Add(await CreateNetworkDriverAsync(root, Cancellation).ConfigureAwait(false));
    }

    /// <summary>Disposes the current driver, as a plugin process that stops.</summary>
    protected Task StopDriverAsync() => drivers.StopCurrentAsync();

    /// <summary>The request berthd sends for the kit's <paramref name="n"/>th network (a fixed id per n).</summary>
    protected CreateNetworkRequest NetworkRequest(int n)
    {
        var subnet = TestSubnet(n);
        var gateway = subnet.Replace(".0/", ".1/", StringComparison.Ordinal);
        var options = new Dictionary<string, JsonElement>
        {
            ["com.docker.network.generic"] = JsonSerializer.SerializeToElement(NetworkOptions(n)),
            ["com.docker.network.enable_ipv6"] = JsonSerializer.SerializeToElement(false),
            ["com.docker.network.internal"] = JsonSerializer.SerializeToElement(false),
        };
        return new CreateNetworkRequest(IdOf("network", n), options, [new IpamData("LocalDefault", subnet, gateway, null)], []);
    }

    /// <summary>Creates the kit's <paramref name="n"/>th network (deleted again at tear-down if the test leaves it).</summary>
    protected async Task<string> CreateNetworkAsync(int n)
    {
        var request = NetworkRequest(n);
        networks.Add(request.NetworkId);
        await Driver.CreateNetworkAsync(request, Cancellation).ConfigureAwait(false);
        return request.NetworkId;
    }

    protected async Task DeleteNetworkAsync(string networkId)
    {
        await Driver.DeleteNetworkAsync(networkId, Cancellation).ConfigureAwait(false);
        networks.Remove(networkId);
    }

    /// <summary>CreateEndpoint as berthd sends it: the address IPAM gave (.10 + <paramref name="e"/> of network <paramref name="n"/>).</summary>
    protected async Task<(string Id, EndpointInterface Answer)> CreateEndpointAsync(string networkId, int n, int e)
    {
        var address = TestSubnet(n).Replace(".0/", $".{10 + e}/", StringComparison.Ordinal);
        var id = IdOf("endpoint", (n * 100) + e);
        var answer = await Driver.CreateEndpointAsync(new CreateEndpointRequest(networkId, id, new Dictionary<string, JsonElement>(), new EndpointInterface(address, null, null)), Cancellation).ConfigureAwait(false);
        return (id, answer);
    }

    /// <summary>Join, then what berthd does with the answer: the named host interface moved into the sandbox and renamed.</summary>
    protected async Task<JoinResponse> JoinAndMoveAsync(string networkId, string endpointId)
    {
        var join = await Driver.JoinAsync(new JoinRequest(networkId, endpointId, SandboxKey, new Dictionary<string, JsonElement>()), Cancellation).ConfigureAwait(false);
        Assert.That(join?.InterfaceName?.SrcName, Is.Not.Null.And.Not.Empty, "Join names the host interface berthd moves into the sandbox");
        handedInterfaces.Add(join!.InterfaceName.SrcName);
        Assert.That((await HostNetwork.LinkNamesAsync(Cancellation).ConfigureAwait(false)).Contains(join.InterfaceName.SrcName),
            $"the interface Join names ({join.InterfaceName.SrcName}) exists on the host when Join returns");
        await HostNetwork.MoveIntoAsync(join.InterfaceName.SrcName, sandboxName, $"kit{Interlocked.Increment(ref moved)}", Cancellation).ConfigureAwait(false);
        return join;
    }

    /// <summary>The host links that appeared since the test began (the driver's bridges, veths… that are still there).</summary>
    protected async Task<IReadOnlyList<string>> NewHostLinksAsync() =>
        [.. (await HostNetwork.LinkNamesAsync(Cancellation).ConfigureAwait(false)).Except(linksBefore).Order(StringComparer.Ordinal)];

    private string IdOf(string what, int n) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{what} {n} {sandboxName}")));
}
