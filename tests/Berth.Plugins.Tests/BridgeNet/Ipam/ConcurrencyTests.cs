namespace Berth.Plugins.Tests.BridgeNet.Ipam;

public class ConcurrencyTests : IpamFixture
{
    [Test]
    public async Task RequestAddress_200Concurrent_Gives200DistinctAddressesAllSaved()
    {
        var pool = await PoolAsync("10.20.0.0/16");

        var addresses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => AddressAsync(pool.PoolId))));

        Assert.That(addresses.Distinct().Count(), Is.EqualTo(200));
        Assert.That(addresses, Is.EquivalentTo(Enumerable.Range(1, 200).Select(n => $"10.20.0.{n}")));
        Assert.That(await AddressAsync(pool.PoolId, ipam: NewIpam()), Is.EqualTo("10.20.0.201"));
    }

    [Test]
    public async Task RequestPool_20ConcurrentDefaults_Gives20DistinctPools()
    {
        var pools = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => PoolAsync())));

        Assert.That(pools.Select(p => p.Pool).Distinct().Count(), Is.EqualTo(20));
    }
}
