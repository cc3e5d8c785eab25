using Berth.Sdk;

namespace Berth.Plugins.Tests.BridgeNet.Ipam;

public class SpecificAddressTests : IpamFixture
{
    private string poolId = "";

    [SetUp]
    public async Task CreatePool() => poolId = (await PoolAsync("10.5.0.0/24")).PoolId;

    [Test]
    public async Task RequestAddress_FreeAddress_IsGrantedWithThePoolsPrefix()
    {
        var response = await Ipam.RequestAddressAsync(new(poolId, "10.5.0.77", null), CancellationToken.None);

        Assert.That(response.Address, Is.EqualTo("10.5.0.77/24"));
    }

    [Test]
    public async Task RequestAddress_AddressInUse_FailsForbidden()
    {
        await AddressAsync(poolId, "10.5.0.77");

        await FailsAsync(() => AddressAsync(poolId, "10.5.0.77"), BerthErrorKind.Forbidden, "Address already in use");
    }

    [TestCase("10.6.0.1")]
    [TestCase("fd00::1")]
    public async Task RequestAddress_OutsideThePool_FailsOutOfRange(string address)
    {
        await FailsAsync(() => AddressAsync(poolId, address), BerthErrorKind.InvalidParameter, "requested address is out of range");
    }

    [TestCase("10.5.0.0")]
    [TestCase("10.5.0.255")]
    public async Task RequestAddress_NetworkOrBroadcast_FailsAsMobysReservedAddress(string address)
    {
        await FailsAsync(() => AddressAsync(poolId, address), BerthErrorKind.Forbidden, "Address already in use");
    }

    [TestCase("10.5.0.256")]
    [TestCase("gateway")]
    public async Task RequestAddress_NotAnAddress_FailsInvalid(string address)
    {
        await FailsAsync(() => AddressAsync(poolId, address), BerthErrorKind.InvalidParameter, $"invalid preferred address: {address}");
    }

    [Test]
    public async Task RequestAddress_TakenSpecifically_IsSkippedByTheNextFree()
    {
        await AddressAsync(poolId, "10.5.0.1");

        Assert.That(await AddressAsync(poolId), Is.EqualTo("10.5.0.2"));
    }

    [Test]
    public async Task RequestAddress_EmptyAddress_MeansAny()
    {
        Assert.That(await AddressAsync(poolId, ""), Is.EqualTo("10.5.0.1"));
    }
}
