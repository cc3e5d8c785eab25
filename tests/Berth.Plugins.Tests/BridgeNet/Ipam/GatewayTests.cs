using Berth.Sdk;

namespace Berth.Plugins.Tests.BridgeNet.Ipam;

public class GatewayTests : IpamFixture
{
    [Test]
    public async Task RequestAddress_Gateway_GetsTheFirstHostAddress()
    {
        var pool = await PoolAsync();

        var gateway = await Ipam.RequestAddressAsync(
            new(pool.PoolId, null, new Dictionary<string, string> { ["RequestAddressType"] = "com.docker.network.gateway" }), CancellationToken.None);

        Assert.That(gateway.Address, Is.EqualTo("172.17.0.1/16"));
    }

    [Test]
    public async Task RequestAddress_GatewayWithSubPool_ComesFromTheWholePool()
    {
        var pool = await PoolAsync("10.1.0.0/16", "10.1.5.0/24");

        var gateway = await GatewayAsync(pool.PoolId);
        var container = await AddressAsync(pool.PoolId);

        Assert.That(gateway, Is.EqualTo("10.1.0.1"));
        Assert.That(container, Is.EqualTo("10.1.5.0"));
    }

    [Test]
    public async Task RequestAddress_GatewayAfterTheFirstIsTaken_GetsTheNextFree()
    {
        var pool = await PoolAsync("10.1.0.0/24");
        await AddressAsync(pool.PoolId, "10.1.0.1");

        Assert.That(await GatewayAsync(pool.PoolId), Is.EqualTo("10.1.0.2"));
    }

    [Test]
    public async Task RequestAddress_GivenGateway_IsTakenFromThePool()
    {
        var pool = await PoolAsync("10.1.0.0/16", "10.1.5.0/24");

        var gateway = await GatewayAsync(pool.PoolId, "10.1.0.254");

        Assert.That(gateway, Is.EqualTo("10.1.0.254"));
        await FailsAsync(() => AddressAsync(pool.PoolId, "10.1.0.254"), BerthErrorKind.Forbidden, "Address already in use");
    }

    [Test]
    public async Task RequestAddress_GivenGatewayOutsideThePool_FailsOutOfRange()
    {
        var pool = await PoolAsync("10.1.0.0/16");

        await FailsAsync(() => GatewayAsync(pool.PoolId, "10.2.0.1"), BerthErrorKind.InvalidParameter, "requested address is out of range");
    }

    [Test]
    public async Task RequestAddress_AfterTheGateway_ContainersStartAtTheNext()
    {
        var pool = await PoolAsync("10.1.0.0/24");
        await GatewayAsync(pool.PoolId);

        Assert.That(await AddressAsync(pool.PoolId), Is.EqualTo("10.1.0.2"));
    }
}
