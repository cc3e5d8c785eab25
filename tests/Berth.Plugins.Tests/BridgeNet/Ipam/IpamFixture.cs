using System.Net;
using Berth.Plugins.BridgeNet.Ipam;
using Berth.Sdk;
using Berth.Sdk.Ipam;

namespace Berth.Plugins.Tests.BridgeNet.Ipam;

/// <summary>
/// The default IPAM with its state in a temporary directory (removed in TearDown) and host routes the test sets.
/// </summary>
public abstract class IpamFixture
{
    protected const string Local = DefaultIpam.LocalAddressSpace;
    protected const string Global = DefaultIpam.GlobalAddressSpace;

    protected string StateDirectory { get; private set; } = "";
    protected DefaultIpam Ipam { get; private set; } = null!;

    /// <summary>What the next IPAM sees as the host's routes; none unless a test adds some.</summary>
    protected List<(IPAddress Network, int Prefix)> Routes { get; } = [];

    [SetUp]
    public void CreateIpam()
    {
        StateDirectory = Directory.CreateTempSubdirectory("berth-ipam-").FullName;
        Routes.Clear();
        Ipam = NewIpam();
    }

    [TearDown]
    public void RemoveState() => Directory.Delete(StateDirectory, recursive: true);

    /// <summary>A fresh instance over the same state directory, as after a plugin restart.</summary>
    protected DefaultIpam NewIpam() => new(StateDirectory, () => Routes.ToList());

    protected void AddRoute(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        Routes.Add((IPAddress.Parse(cidr[..slash]), int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
    }

    protected Task<RequestPoolResponse> PoolAsync(string? pool = null, string? subPool = null, string space = Local, bool v6 = false,
        IReadOnlyDictionary<string, string>? options = null, DefaultIpam? ipam = null) =>
        (ipam ?? Ipam).RequestPoolAsync(new RequestPoolRequest(space, pool, subPool, options, v6), CancellationToken.None);

    /// <summary>An address of the pool, without the prefix length.</summary>
    protected async Task<string> AddressAsync(string poolId, string? address = null, IReadOnlyDictionary<string, string>? options = null, DefaultIpam? ipam = null)
    {
        var response = await (ipam ?? Ipam).RequestAddressAsync(new RequestAddressRequest(poolId, address, options), CancellationToken.None);
        return response.Address.Split('/')[0];
    }

    protected Task<string> GatewayAsync(string poolId, string? address = null) =>
        AddressAsync(poolId, address, new Dictionary<string, string> { [DefaultIpam.RequestAddressTypeOption] = DefaultIpam.GatewayAddressType });

    protected static Dictionary<string, string> Serial => new() { [DefaultIpam.SerialOption] = "true" };

    protected Task ReleaseAsync(string poolId, string address, DefaultIpam? ipam = null) =>
        (ipam ?? Ipam).ReleaseAddressAsync(poolId, address, CancellationToken.None);

    protected Task ReleasePoolAsync(string poolId, DefaultIpam? ipam = null) => (ipam ?? Ipam).ReleasePoolAsync(poolId, CancellationToken.None);

    /// <summary>Asserts that the call fails with a Docker error of the kind and message given.</summary>
    protected static async Task FailsAsync(Func<Task> call, BerthErrorKind kind, string message)
    {
        var error = await Wait.ThrowsAsync<BerthException>(call);
        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(kind), error.Message);
            Assert.That(error.Message, Is.EqualTo(message));
        });
    }

    /// <summary>Asks for addresses without a preference until the pool has none left.</summary>
    protected async Task<List<string>> DrainAsync(string poolId)
    {
        var addresses = new List<string>();
        while (true)
        {
            try
            {
                addresses.Add(await AddressAsync(poolId));
            }
            catch (BerthException ex) when (ex.Kind == BerthErrorKind.Unavailable)
            {
                return addresses;
            }
        }
    }
}
