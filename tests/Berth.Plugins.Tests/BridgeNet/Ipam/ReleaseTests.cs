using Berth.Sdk;

namespace Berth.Plugins.Tests.BridgeNet.Ipam;

public class ReleaseTests : IpamFixture
{
    private string poolId = "";

    [SetUp]
    public async Task CreatePool() => poolId = (await PoolAsync("10.5.0.0/24")).PoolId;

    [Test]
    public async Task ReleaseAddress_ThenRequestIt_GrantsItAgain()
    {
        await AddressAsync(poolId, "10.5.0.9");

        await ReleaseAsync(poolId, "10.5.0.9");

        Assert.That(await AddressAsync(poolId, "10.5.0.9"), Is.EqualTo("10.5.0.9"));
    }

    [Test]
    public async Task ReleaseAddress_WithPrefixLength_FreesTheAddress()
    {
        var first = await AddressAsync(poolId);

        await ReleaseAsync(poolId, "10.5.0.1/24");

        Assert.That(await AddressAsync(poolId), Is.EqualTo(first));
    }

    [Test]
    public async Task ReleaseAddress_FreeAddress_SucceedsAndFreesNothingElse()
    {
        await AddressAsync(poolId, "10.5.0.1");

        await ReleaseAsync(poolId, "10.5.0.50");

        Assert.That(await AddressAsync(poolId), Is.EqualTo("10.5.0.2"));
    }

    [Test]
    public async Task ReleaseAddress_Broadcast_StaysReserved()
    {
        await ReleaseAsync(poolId, "10.5.0.255");

        await FailsAsync(() => AddressAsync(poolId, "10.5.0.255"), BerthErrorKind.Forbidden, "Address already in use");
    }

    [Test]
    public async Task ReleaseAddress_OutsideThePool_FailsOutOfRange()
    {
        await FailsAsync(() => ReleaseAsync(poolId, "10.9.0.1"), BerthErrorKind.InvalidParameter, "requested address is out of range");
    }

    [Test]
    public async Task ReleaseAddress_NotAnAddress_FailsInvalid()
    {
        await FailsAsync(() => ReleaseAsync(poolId, "nope"), BerthErrorKind.InvalidParameter, "invalid address: nope");
    }

    [Test]
    public async Task ReleaseAddress_UnknownPool_FailsNotFound()
    {
        await FailsAsync(() => ReleaseAsync("LocalDefault/10.9.0.0/16", "10.9.0.1"), BerthErrorKind.NotFound,
            "cannot find address pool for poolID:LocalDefault/10.9.0.0/16");
    }

    [Test]
    public async Task ReleasePool_UnknownPool_FailsNotFound()
    {
        await FailsAsync(() => ReleasePoolAsync("LocalDefault/10.9.0.0/16"), BerthErrorKind.NotFound,
            "address space does not contain specified address pool: LocalDefault/10.9.0.0/16");
    }

    [TestCase("nonsense")]
    [TestCase("LocalDefault/10.5.0.0")]
    public async Task ReleasePool_MalformedId_FailsInvalid(string id)
    {
        await FailsAsync(() => ReleasePoolAsync(id), BerthErrorKind.InvalidParameter, $"invalid pool id: {id}");
    }

    [Test]
    public async Task ReleasePool_Twice_FailsNotFoundTheSecondTime()
    {
        await ReleasePoolAsync(poolId);

        await FailsAsync(() => ReleasePoolAsync(poolId), BerthErrorKind.NotFound, $"address space does not contain specified address pool: {poolId}");
    }

    [Test]
    public async Task ReleasePool_ThenRequestAgain_StartsWithNoAddressTaken()
    {
        await AddressAsync(poolId);
        await AddressAsync(poolId);

        await ReleasePoolAsync(poolId);
        await FailsAsync(() => AddressAsync(poolId), BerthErrorKind.NotFound, $"cannot find address pool for poolID:{poolId}");
        var again = await PoolAsync("10.5.0.0/24");

        Assert.That(await AddressAsync(again.PoolId), Is.EqualTo("10.5.0.1"));
    }
}
