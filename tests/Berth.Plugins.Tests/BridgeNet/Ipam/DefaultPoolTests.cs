using Berth.Sdk;

namespace Berth.Plugins.Tests.BridgeNet.Ipam;

public class DefaultPoolTests : IpamFixture
{
    [Test]
    public async Task RequestPool_NoPool_TakesTheFirstLocalDefault()
    {
        var pool = await PoolAsync();

        Assert.Multiple(() =>
        {
            Assert.That(pool.Pool, Is.EqualTo("172.17.0.0/16"));
            Assert.That(pool.PoolId, Is.EqualTo("LocalDefault/172.17.0.0/16"));
            Assert.That(pool.Data, Is.Empty);
        });
    }

    [Test]
    public async Task RequestPool_NoPoolRepeatedly_FollowsMobysDefaultOrder()
    {
        var pools = new List<string>();
        for (var i = 0; i < 17; i++) pools.Add((await PoolAsync()).Pool);

        var expected = Enumerable.Range(17, 15).Select(n => $"172.{n}.0.0/16").Concat(["192.168.0.0/20", "192.168.16.0/20"]);
        Assert.That(pools, Is.EqualTo(expected));
    }

    [Test]
    public async Task RequestPool_AllPredefinedTaken_FailsFullySubnetted()
    {
        for (var i = 0; i < 15 + 16; i++) await PoolAsync();

        await FailsAsync(() => PoolAsync(), BerthErrorKind.InvalidParameter, "all predefined address pools have been fully subnetted");
    }

    [Test]
    public async Task RequestPool_HostRoutesOverlapCandidates_SkipsThem()
    {
        AddRoute("172.17.0.0/16");
        AddRoute("172.18.3.0/24");

        var pool = await PoolAsync();

        Assert.That(pool.Pool, Is.EqualTo("172.19.0.0/16"));
    }

    [Test]
    public async Task RequestPool_HostRouteCoversAll172_Takes192168Slash20s()
    {
        AddRoute("172.16.0.0/12");
        AddRoute("192.168.0.0/24");

        var pool = await PoolAsync();

        Assert.That(pool.Pool, Is.EqualTo("192.168.16.0/20"));
    }

    [Test]
    public async Task RequestPool_RouteAddedAfterStart_IsSeenByTheNextRequest()
    {
        await PoolAsync();
        AddRoute("172.18.0.1/32");

        var pool = await PoolAsync();

        Assert.That(pool.Pool, Is.EqualTo("172.19.0.0/16"));
    }

    [Test]
    public async Task RequestPool_ExplicitPoolInsideADefault_SkipsThatDefault()
    {
        await PoolAsync("172.17.5.0/24");

        var pool = await PoolAsync();

        Assert.That(pool.Pool, Is.EqualTo("172.18.0.0/16"));
    }

    [Test]
    public async Task RequestPool_ReleasedDefault_IsHandedOutAgain()
    {
        var first = await PoolAsync();
        await PoolAsync();
        await ReleasePoolAsync(first.PoolId);

        var again = await PoolAsync();

        Assert.That(again.Pool, Is.EqualTo("172.17.0.0/16"));
    }

    [Test]
    public async Task RequestPool_GlobalSpace_TakesSlash24sOf10AndIgnoresHostRoutes()
    {
        AddRoute("10.0.0.0/8");

        var first = await PoolAsync(space: Global);
        var second = await PoolAsync(space: Global);

        Assert.Multiple(() =>
        {
            Assert.That(first.PoolId, Is.EqualTo("GlobalDefault/10.0.0.0/24"));
            Assert.That(second.Pool, Is.EqualTo("10.0.1.0/24"));
        });
    }

    [Test]
    public async Task RequestPool_V6WithoutPool_FailsInvalid()
    {
        await FailsAsync(() => PoolAsync(v6: true), BerthErrorKind.InvalidParameter, "no default IPv6 pools: an IPv6 network needs an explicit subnet");
    }
}
