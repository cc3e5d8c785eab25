using Berth.Sdk;

namespace Berth.Plugins.Tests.BridgeNet.Ipam;

public class Ipv6Tests : IpamFixture
{
    [Test]
    public async Task RequestPool_V6Subnet_GivesAMobyPoolId()
    {
        var pool = await PoolAsync("fd00:1::/64", v6: true);

        Assert.That(pool.PoolId, Is.EqualTo("LocalDefault/fd00:1::/64"));
    }

    [Test]
    public async Task RequestAddress_V6Pool_StartsAfterTheAnycastAddress()
    {
        var pool = await PoolAsync("fd00:1::/64", v6: true);

        var gateway = await Ipam.RequestAddressAsync(
            new(pool.PoolId, null, new Dictionary<string, string> { ["RequestAddressType"] = "com.docker.network.gateway" }), CancellationToken.None);
        var next = await AddressAsync(pool.PoolId);

        Assert.That(gateway.Address, Is.EqualTo("fd00:1::1/64"));
        Assert.That(next, Is.EqualTo("fd00:1::2"));
        await FailsAsync(() => AddressAsync(pool.PoolId, "fd00:1::"), BerthErrorKind.Forbidden, "Address already in use");
    }

    [Test]
    public async Task RequestAddress_V6PreferredFarIntoTheSlash64_IsGrantedAndReleased()
    {
        var pool = await PoolAsync("fd00:1::/64", v6: true);

        var far = await AddressAsync(pool.PoolId, "fd00:1::ffff:ffff:ffff:ffff");
        await ReleaseAsync(pool.PoolId, far);

        Assert.That(await AddressAsync(pool.PoolId, far), Is.EqualTo("fd00:1::ffff:ffff:ffff:ffff"));
    }

    [Test]
    public async Task RequestPool_OverlappingV6Pool_FailsForbidden()
    {
        await PoolAsync("fd00:1::/64", v6: true);

        await FailsAsync(() => PoolAsync("fd00:1::/80", v6: true), BerthErrorKind.Forbidden,
            "invalid pool request: Pool overlaps with other one on this address space");
    }

    [Test]
    public async Task NewInstance_SameRoot_KeepsV6Addresses()
    {
        var pool = await PoolAsync("fd00:1::/64", v6: true);
        await AddressAsync(pool.PoolId);
        await AddressAsync(pool.PoolId);

        Assert.That(await AddressAsync(pool.PoolId, ipam: NewIpam()), Is.EqualTo("fd00:1::3"));
    }
}
