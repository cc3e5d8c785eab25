using Berth.Sdk;

namespace Berth.Plugins.Tests.BridgeNet.Ipam;

public class ExplicitPoolTests : IpamFixture
{
    private const string Overlap = "invalid pool request: Pool overlaps with other one on this address space";

    [Test]
    public async Task RequestPool_Cidr_ReturnsThePoolAndAMobyPoolId()
    {
        var pool = await PoolAsync("10.10.0.0/16");

        Assert.Multiple(() =>
        {
            Assert.That(pool.Pool, Is.EqualTo("10.10.0.0/16"));
            Assert.That(pool.PoolId, Is.EqualTo("LocalDefault/10.10.0.0/16"));
        });
    }

    [Test]
    public async Task RequestPool_HostBitsSet_MasksThePool()
    {
        var pool = await PoolAsync("10.10.3.4/16");

        Assert.That(pool.PoolId, Is.EqualTo("LocalDefault/10.10.0.0/16"));
    }

    [TestCase("10.0.0.0/33")]
    [TestCase("10.0.0/16")]
    [TestCase("300.0.0.0/8")]
    [TestCase("10.0.0.0")]
    [TestCase("banana")]
    [TestCase("fd00::/129")]
    public async Task RequestPool_InvalidCidr_FailsWithDockersMessage(string cidr)
    {
        await FailsAsync(() => PoolAsync(cidr), BerthErrorKind.InvalidParameter, $"invalid CIDR address: {cidr}");
    }

    [TestCase("10.10.0.0/16")]
    [TestCase("10.10.5.0/24")]
    [TestCase("10.0.0.0/8")]
    public async Task RequestPool_OverlapsAnAllocatedPool_FailsForbidden(string cidr)
    {
        await PoolAsync("10.10.0.0/16");

        await FailsAsync(() => PoolAsync(cidr), BerthErrorKind.Forbidden, Overlap);
    }

    [Test]
    public async Task RequestPool_OverlapsATakenDefaultPool_FailsForbidden()
    {
        await PoolAsync();

        await FailsAsync(() => PoolAsync("172.17.1.0/24"), BerthErrorKind.Forbidden, Overlap);
    }

    [Test]
    public async Task RequestPool_AdjacentPool_Succeeds()
    {
        await PoolAsync("10.10.0.0/16");

        var next = await PoolAsync("10.11.0.0/16");

        Assert.That(next.Pool, Is.EqualTo("10.11.0.0/16"));
    }

    [Test]
    public async Task RequestPool_SamePoolInTheOtherAddressSpace_Succeeds()
    {
        await PoolAsync("10.10.0.0/16");

        var global = await PoolAsync("10.10.0.0/16", space: Global);

        Assert.That(global.PoolId, Is.EqualTo("GlobalDefault/10.10.0.0/16"));
    }

    [Test]
    public async Task RequestPool_UnknownAddressSpace_FailsInvalid()
    {
        await FailsAsync(() => PoolAsync("10.10.0.0/16", space: "Elsewhere"), BerthErrorKind.InvalidParameter, "cannot find address space Elsewhere");
        await FailsAsync(() => PoolAsync("10.10.0.0/16", space: ""), BerthErrorKind.InvalidParameter, "invalid address space");
    }

    [Test]
    public async Task RequestPool_UnknownOptions_AreIgnored()
    {
        var pool = await PoolAsync("10.10.0.0/16", options: new Dictionary<string, string> { ["com.example.whatever"] = "1" });

        Assert.That(await AddressAsync(pool.PoolId), Is.EqualTo("10.10.0.1"));
    }
}
