using System.Diagnostics;
using Berth.Plugins.BridgeNet.Ipam;
using Berth.Sdk;
using Berth.Sdk.Ipam;

namespace Berth.Plugins.Tests.BridgeNet.Ipam;

public class AllocationTests : IpamFixture
{
    [Test]
    public async Task RequestAddress_NoPreference_HandsOutAddressesInOrderWithThePoolsPrefix()
    {
        var pool = await PoolAsync("10.5.0.0/24");

        var responses = new List<string>();
        for (var i = 0; i < 3; i++)
            responses.Add((await Ipam.RequestAddressAsync(new RequestAddressRequest(pool.PoolId, null, null), CancellationToken.None)).Address);

        Assert.That(responses, Is.EqualTo(new[] { "10.5.0.1/24", "10.5.0.2/24", "10.5.0.3/24" }));
    }

    [Test]
    public async Task RequestAddress_ReleasedAddress_IsTheLowestFreeAgain()
    {
        var pool = await PoolAsync("10.5.0.0/24");
        for (var i = 0; i < 3; i++) await AddressAsync(pool.PoolId);
        await ReleaseAsync(pool.PoolId, "10.5.0.2");

        var next = await AddressAsync(pool.PoolId);

        Assert.That(next, Is.EqualTo("10.5.0.2"));
    }

    [Test]
    public async Task RequestAddress_SerialPool_ContinuesAfterTheLastAndWrapsAround()
    {
        var pool = await PoolAsync("10.5.0.0/29", options: Serial);
        for (var i = 0; i < 3; i++) await AddressAsync(pool.PoolId);
        await ReleaseAsync(pool.PoolId, "10.5.0.2");

        var handedOut = new List<string>();
        for (var i = 0; i < 4; i++) handedOut.Add(await AddressAsync(pool.PoolId));

        Assert.That(handedOut, Is.EqualTo(new[] { "10.5.0.4", "10.5.0.5", "10.5.0.6", "10.5.0.2" }));
        await FailsAsync(() => AddressAsync(pool.PoolId), BerthErrorKind.Unavailable, "no available addresses on this pool");
    }

    [Test]
    public async Task RequestAddress_SerialOptionOnTheRequest_ContinuesAfterTheLast()
    {
        var pool = await PoolAsync("10.5.0.0/24");
        await AddressAsync(pool.PoolId);
        await AddressAsync(pool.PoolId);
        await ReleaseAsync(pool.PoolId, "10.5.0.1");

        var next = await AddressAsync(pool.PoolId, options: Serial);

        Assert.That(next, Is.EqualTo("10.5.0.3"));
    }

    [Test]
    public async Task RequestAddress_SerialInSubPool_WrapsWithinTheSubPool()
    {
        var pool = await PoolAsync("10.5.0.0/16", "10.5.1.0/30", options: Serial);
        var first = await DrainAsync(pool.PoolId);
        await ReleaseAsync(pool.PoolId, "10.5.1.1");
        await ReleaseAsync(pool.PoolId, "10.5.1.2");

        var next = await AddressAsync(pool.PoolId);

        Assert.That(first, Is.EqualTo(new[] { "10.5.1.0", "10.5.1.1", "10.5.1.2", "10.5.1.3" }));
        Assert.That(next, Is.EqualTo("10.5.1.1"));
    }

    [Test]
    public async Task RequestAddress_PoolExhausted_FailsUnavailable()
    {
        var pool = await PoolAsync("10.5.0.0/30");

        var addresses = await DrainAsync(pool.PoolId);

        Assert.That(addresses, Is.EqualTo(new[] { "10.5.0.1", "10.5.0.2" }));
        await FailsAsync(() => AddressAsync(pool.PoolId), BerthErrorKind.Unavailable, "no available addresses on this pool");
    }

    [Test]
    public async Task RequestAddress_Drained_NeverHandsOutNetworkOrBroadcast()
    {
        var pool = await PoolAsync("10.5.0.16/28");

        var addresses = await DrainAsync(pool.PoolId);

        Assert.That(addresses, Is.EqualTo(Enumerable.Range(17, 14).Select(n => $"10.5.0.{n}")));
    }

    [TestCase("10.5.0.8/31", new[] { "10.5.0.8", "10.5.0.9" })]
    [TestCase("10.5.0.8/32", new[] { "10.5.0.8" })]
    public async Task RequestAddress_PointToPointPool_UsesEveryAddress(string cidr, string[] expected)
    {
        var pool = await PoolAsync(cidr);

        Assert.That(await DrainAsync(pool.PoolId), Is.EqualTo(expected));
    }

    [Test]
    public async Task RequestAddress_Slash16InMemory_DrainsAll65534Quickly()
    {
        var ipam = new DefaultIpam(stateDirectory: null, () => []);
        var pool = await PoolAsync("10.7.0.0/16", ipam: ipam);
        var clock = Stopwatch.StartNew();

        var addresses = new HashSet<string>();
        for (var i = 0; i < 65534; i++) addresses.Add(await AddressAsync(pool.PoolId, ipam: ipam));
        var elapsed = clock.Elapsed;

        Assert.That(addresses, Has.Count.EqualTo(65534));
        Assert.That(addresses, Does.Contain("10.7.255.254").And.Not.Contain("10.7.255.255").And.Not.Contain("10.7.0.0"));
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        await FailsAsync(() => AddressAsync(pool.PoolId, ipam: ipam), BerthErrorKind.Unavailable, "no available addresses on this pool");
    }
}
