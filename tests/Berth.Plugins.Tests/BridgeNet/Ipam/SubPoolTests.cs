using Berth.Sdk;

namespace Berth.Plugins.Tests.BridgeNet.Ipam;

public class SubPoolTests : IpamFixture
{
    [Test]
    public async Task RequestPool_SubPool_IdNamesPoolAndSubPool()
    {
        var pool = await PoolAsync("10.1.0.0/16", "10.1.5.0/24");

        Assert.Multiple(() =>
        {
            Assert.That(pool.PoolId, Is.EqualTo("LocalDefault/10.1.0.0/16/10.1.5.0/24"));
            Assert.That(pool.Pool, Is.EqualTo("10.1.0.0/16"));
        });
    }

    [TestCase("10.2.0.0/24")]
    [TestCase("10.0.0.0/8")]
    public async Task RequestPool_SubPoolNotWithinPool_FailsInvalid(string subPool)
    {
        await FailsAsync(() => PoolAsync("10.1.0.0/16", subPool), BerthErrorKind.InvalidParameter,
            $"invalid address subpool: {subPool} is not within pool 10.1.0.0/16");
    }

    [Test]
    public async Task RequestPool_SubPoolWithoutPool_FailsInvalid()
    {
        await FailsAsync(() => PoolAsync(subPool: "10.1.5.0/24"), BerthErrorKind.InvalidParameter,
            "invalid address subpool: 10.1.5.0/24 is given without a pool");
    }

    [Test]
    public async Task RequestPool_SubPoolOfTheOtherFamily_FailsInvalid()
    {
        await FailsAsync(() => PoolAsync("10.1.0.0/16", "fd00::/64"), BerthErrorKind.InvalidParameter,
            "pool and subpool are of incompatible address families");
    }

    [Test]
    public async Task RequestPool_InvalidSubPool_FailsWithDockersMessage()
    {
        await FailsAsync(() => PoolAsync("10.1.0.0/16", "10.1.5.0/40"), BerthErrorKind.InvalidParameter, "invalid CIDR address: 10.1.5.0/40");
    }

    [Test]
    public async Task RequestAddress_SubPool_HandsOutAddressesOfTheSubPool()
    {
        var pool = await PoolAsync("10.1.0.0/16", "10.1.5.0/24");

        var first = await AddressAsync(pool.PoolId);
        var second = await AddressAsync(pool.PoolId);

        Assert.That(new[] { first, second }, Is.EqualTo(new[] { "10.1.5.0", "10.1.5.1" }));
    }

    [Test]
    public async Task RequestAddress_SubPoolExhausted_FailsUnavailableThoughThePoolHasRoom()
    {
        var pool = await PoolAsync("10.1.0.0/16", "10.1.7.0/30");

        var addresses = await DrainAsync(pool.PoolId);

        Assert.That(addresses, Is.EqualTo(new[] { "10.1.7.0", "10.1.7.1", "10.1.7.2", "10.1.7.3" }));
        await FailsAsync(() => AddressAsync(pool.PoolId), BerthErrorKind.Unavailable, "no available addresses on this pool");
    }

    [Test]
    public async Task RequestAddress_PreferredOutsideSubPoolInsidePool_IsGranted()
    {
        var pool = await PoolAsync("10.1.0.0/16", "10.1.5.0/24");

        var address = await AddressAsync(pool.PoolId, "10.1.200.7");

        Assert.That(address, Is.EqualTo("10.1.200.7"));
    }

    [Test]
    public async Task RequestPool_SecondSubPoolOfTheSamePool_SharesItsAddresses()
    {
        var a = await PoolAsync("10.1.0.0/16", "10.1.5.0/24");
        var b = await PoolAsync("10.1.0.0/16", "10.1.6.0/24");
        await AddressAsync(a.PoolId, "10.1.9.9");

        Assert.That(await AddressAsync(b.PoolId), Is.EqualTo("10.1.6.0"));
        await FailsAsync(() => AddressAsync(b.PoolId, "10.1.9.9"), BerthErrorKind.Forbidden, "Address already in use");
    }

    [Test]
    public async Task RequestPool_SameSubPoolTwice_FailsForbidden()
    {
        await PoolAsync("10.1.0.0/16", "10.1.5.0/24");

        await FailsAsync(() => PoolAsync("10.1.0.0/16", "10.1.5.0/24"), BerthErrorKind.Forbidden,
            "invalid pool request: Pool overlaps with other one on this address space");
    }

    [Test]
    public async Task RequestPool_SubPoolOverAnotherPool_FailsForbidden()
    {
        await PoolAsync("10.1.0.0/24");

        await FailsAsync(() => PoolAsync("10.1.0.0/16", "10.1.5.0/24"), BerthErrorKind.Forbidden,
            "invalid pool request: Pool overlaps with other one on this address space");
    }

    [Test]
    public async Task ReleasePool_LastSubPool_FreesThePool()
    {
        var pool = await PoolAsync("10.1.0.0/16", "10.1.5.0/24");

        await ReleasePoolAsync(pool.PoolId);

        Assert.That((await PoolAsync("10.1.0.0/16")).PoolId, Is.EqualTo("LocalDefault/10.1.0.0/16"));
    }

    [Test]
    public async Task ReleasePool_PoolWithASubPoolLeft_LastsUntilTheSubPoolGoes()
    {
        var plain = await PoolAsync("10.1.0.0/16");
        var sub = await PoolAsync("10.1.0.0/16", "10.1.5.0/24");

        await ReleasePoolAsync(plain.PoolId);
        var stillThere = await AddressAsync(sub.PoolId);
        await ReleasePoolAsync(sub.PoolId);

        Assert.That(stillThere, Is.EqualTo("10.1.5.0"));
        await FailsAsync(() => AddressAsync(sub.PoolId), BerthErrorKind.NotFound, "cannot find address pool for poolID:LocalDefault/10.1.0.0/16/10.1.5.0/24");
        Assert.That((await PoolAsync("10.1.0.0/16")).Pool, Is.EqualTo("10.1.0.0/16"));
    }
}
