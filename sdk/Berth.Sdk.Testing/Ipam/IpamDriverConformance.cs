using System.Net;
using Berth.Sdk.Ipam;

namespace Berth.Sdk.Testing;

/// <summary>
/// Checks an <see cref="IIpamDriver"/> against libnetwork's IPAM contract as berthd uses it: pools by subnet or picked by
/// the driver, addresses handed out once, the error classes Docker maps to status codes (an overlapping pool or a taken
/// address is Forbidden, an address outside the pool InvalidParameter, an exhausted pool Unavailable), idempotent
/// releases, concurrent requests, and state that outlives the process (berthd does not replay IPAM requests). Derive a
/// <c>[TestFixture]</c> and build your driver in <see cref="CreateIpamDriverAsync"/>; every test gets a fresh driver over
/// an empty root directory. The subnets the kit names are <see cref="TestSubnet"/>s (it also lets the driver pick two
/// pools of its own); it touches no host network.
/// </summary>
public abstract partial class IpamDriverConformance
{
    private readonly DriverInstances<IIpamDriver> drivers;
    private ConformanceWorkspace? workspace;
    private CancellationTokenSource? timeout;

    /// <summary>A driver keeping its state under <paramref name="root"/>; called again with the same root to check a restart.</summary>
    protected abstract Task<IIpamDriver> CreateIpamDriverAsync(string root, CancellationToken ct);

    protected IpamDriverConformance() => drivers = new DriverInstances<IIpamDriver>(d => DisposeIpamDriverAsync(d), "IPAM driver");

    /// <summary>Releases a driver; by default disposes it when it is (async) disposable.</summary>
    protected virtual Task DisposeIpamDriverAsync(IIpamDriver d) => DriverInstances<IIpamDriver>.DisposeDefaultAsync(d);

    /// <summary>The <paramref name="n"/>th IPv4 /24 the kit may ask for (10.251.n.0/24 by default).</summary>
    protected virtual string TestSubnet(int n) => $"10.251.{n}.0/24";

    /// <summary>How long one test may take before its driver calls are cancelled.</summary>
    protected virtual TimeSpan TestTimeout => TimeSpan.FromMinutes(1);

    protected IIpamDriver Driver => drivers.Current;

    protected CancellationToken Cancellation => timeout?.Token ?? CancellationToken.None;

    [SetUp]
    public async Task SetUpIpamDriverAsync()
    {
        timeout = new CancellationTokenSource(TestTimeout);
        workspace = ConformanceWorkspace.Create();
        try
        {
            await NewDriverAsync().ConfigureAwait(false);
        }
        catch
        {
            await TearDownIpamDriverAsync().ConfigureAwait(false);
            throw;
        }
    }

    [TearDown]
    public async Task TearDownIpamDriverAsync()
    {
        try
        {
            await drivers.DisposeAllAsync().ConfigureAwait(false);
        }
        finally
        {
            workspace?.Dispose();
            workspace = null;
            timeout?.Dispose();
            timeout = null;
        }
    }

    /// <summary>Another driver over the same root (the old one is left as it is): a plugin restart or upgrade.</summary>
    protected async Task<IIpamDriver> NewDriverAsync()
    {
        var root = (workspace ?? throw new InvalidOperationException("no workspace outside a test")).Root;
        return drivers.Add(await CreateIpamDriverAsync(root, Cancellation).ConfigureAwait(false));
    }

    /// <summary>The address space local networks use (the driver's LocalDefaultAddressSpace).</summary>
    protected async Task<string> LocalSpaceAsync() =>
        (await Driver.GetDefaultAddressSpacesAsync(Cancellation).ConfigureAwait(false)).LocalDefaultAddressSpace;

    protected async Task<RequestPoolResponse> RequestPoolAsync(string? pool, string? subPool = null) =>
        await Driver.RequestPoolAsync(new RequestPoolRequest(await LocalSpaceAsync().ConfigureAwait(false), pool, subPool, null, V6: false), Cancellation).ConfigureAwait(false);

    protected Task<RequestAddressResponse> RequestAddressAsync(string poolId, string? address = null) =>
        Driver.RequestAddressAsync(new RequestAddressRequest(poolId, address, null), Cancellation);

    /// <summary>The address of a CIDR answer ("10.251.1.2/24" → 10.251.1.2), asserting its prefix length is the pool's.</summary>
    protected static IPAddress AddressOf(RequestAddressResponse response, string pool)
    {
        ArgumentNullException.ThrowIfNull(response);
        var parts = response.Address.Split('/');
        Assert.That(parts, Has.Length.EqualTo(2), $"an address comes in CIDR form (address/prefix): {response.Address}");
        Assert.That(parts[1], Is.EqualTo(pool.Split('/')[1]), $"{response.Address} carries the pool's prefix length");
        return IPAddress.Parse(parts[0]);
    }

    protected static bool Contains(string pool, IPAddress address) => IPNetwork.Parse(pool).Contains(address);
}
