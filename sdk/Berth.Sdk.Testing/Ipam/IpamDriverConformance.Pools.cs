using System.Net;
using Berth.Sdk.Ipam;

namespace Berth.Sdk.Testing;

// Address spaces and pools.
public abstract partial class IpamDriverConformance
{
    [Test]
    public async Task GetDefaultAddressSpaces_CalledTwice_SameNonEmptyNames()
    {
        var first = await Driver.GetDefaultAddressSpacesAsync(Cancellation);
        var second = await Driver.GetDefaultAddressSpacesAsync(Cancellation);

        Assert.That(first, Is.EqualTo(second));
        Assert.That(first.LocalDefaultAddressSpace, Is.Not.Empty);
        Assert.That(first.GlobalDefaultAddressSpace, Is.Not.Empty);
        WireCheck.AssertRoundTrips(first);
        WireCheck.AssertRoundTrips(await Driver.GetCapabilitiesAsync(Cancellation));
    }

    [Test]
    public async Task RequestPool_ExplicitSubnet_AnswersThatSubnetWithAnId()
    {
        var pool = await RequestPoolAsync(TestSubnet(1));

        Assert.That(pool.Pool, Is.EqualTo(TestSubnet(1)));
        Assert.That(pool.PoolId, Is.Not.Empty);
        WireCheck.AssertRoundTrips(pool);
    }

    [Test]
    public async Task RequestPool_SameOrOverlappingSubnet_Forbidden()
    {
        await RequestPoolAsync(TestSubnet(2));

        await ConformanceAssert.ThrowsBerthAsync(() => RequestPoolAsync(TestSubnet(2)), BerthErrorKind.Forbidden);
        await ConformanceAssert.ThrowsBerthAsync(() => RequestPoolAsync(TestSubnet(2).Replace(".0/24", ".128/25", StringComparison.Ordinal)), BerthErrorKind.Forbidden);
    }

    [Test]
    public async Task RequestPool_ReleasedThenRequestedAgain_Succeeds()
    {
        var pool = await RequestPoolAsync(TestSubnet(3));

        await Driver.ReleasePoolAsync(pool.PoolId, Cancellation);
        var again = await RequestPoolAsync(TestSubnet(3));

        Assert.That(again.Pool, Is.EqualTo(TestSubnet(3)));
    }

    [TestCase("10.251.4.0/33")]
    [TestCase("not-a-subnet")]
    public async Task RequestPool_NotASubnet_InvalidParameter(string subnet)
    {
        await ConformanceAssert.ThrowsBerthAsync(() => RequestPoolAsync(subnet), BerthErrorKind.InvalidParameter);
    }

    [Test]
    public async Task RequestPool_UnknownAddressSpace_Refused()
    {
        var request = new RequestPoolRequest("berth-conformance-no-such-space", TestSubnet(5), null, null, V6: false);

        await ConformanceAssert.ThrowsBerthAsync(() => Driver.RequestPoolAsync(request, Cancellation), BerthErrorKind.InvalidParameter, BerthErrorKind.NotFound);
    }

    [Test]
    public async Task RequestPool_NoSubnetTwice_TwoPoolsThatDoNotOverlap()
    {
        var first = await RequestPoolAsync(null);
        var second = await RequestPoolAsync(null);

        Assert.That(first.PoolId, Is.Not.EqualTo(second.PoolId));
        var (a, b) = (IPNetwork.Parse(first.Pool), IPNetwork.Parse(second.Pool));
        Assert.That(a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress), Is.False, $"{a} and {b} overlap");
    }

    [Test]
    public async Task RequestPool_SubPool_AddressesComeFromTheSubPool()
    {
        var subPool = TestSubnet(6).Replace(".0/24", ".128/25", StringComparison.Ordinal);
        var pool = await RequestPoolAsync(TestSubnet(6), subPool);

        var address = AddressOf(await RequestAddressAsync(pool.PoolId), TestSubnet(6));

        Assert.That(Contains(subPool, address), $"{address} is in the sub-pool {subPool}");
    }

    [Test]
    public async Task ReleasePool_Twice_SecondSucceedsOrNotFound()
    {
        var pool = await RequestPoolAsync(TestSubnet(7));
        await Driver.ReleasePoolAsync(pool.PoolId, Cancellation);

        try
        {
            await Driver.ReleasePoolAsync(pool.PoolId, Cancellation);
        }
        catch (BerthException ex)
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotFound), $"a pool released twice: done, or NotFound — not {ex.Kind}: {ex.Message}");
        }
    }
}
