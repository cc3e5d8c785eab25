using System.Net;

namespace Berth.Sdk.Testing;

// Addresses: handed out once, released idempotently, refused with the right error class, and kept across a restart.
public abstract partial class IpamDriverConformance
{
    [Test]
    public async Task RequestAddress_Repeated_DistinctAddressesInsideThePool()
    {
        var pool = await RequestPoolAsync(TestSubnet(10));

        var addresses = new List<IPAddress>();
        for (var i = 0; i < 10; i++)
            addresses.Add(AddressOf(await RequestAddressAsync(pool.PoolId), TestSubnet(10)));

        Assert.That(addresses.Distinct().Count(), Is.EqualTo(10), "no address handed out twice");
        Assert.That(addresses.Where(a => !Contains(TestSubnet(10), a)), Is.Empty, "every address inside the pool");
        var network = IPNetwork.Parse(TestSubnet(10)).BaseAddress;
        Assert.That(addresses, Does.Not.Contain(network), "never the network address");
    }

    [Test]
    public async Task RequestAddress_Specific_GetsExactlyItThenItIsTaken()
    {
        var pool = await RequestPoolAsync(TestSubnet(11));
        var wanted = TestSubnet(11).Replace(".0/24", ".77", StringComparison.Ordinal);

        var address = await RequestAddressAsync(pool.PoolId, wanted);

        Assert.That(AddressOf(address, TestSubnet(11)).ToString(), Is.EqualTo(wanted));
        WireCheck.AssertRoundTrips(address);
        await ConformanceAssert.ThrowsBerthAsync(() => RequestAddressAsync(pool.PoolId, wanted), BerthErrorKind.Forbidden);
    }

    [Test]
    public async Task RequestAddress_OutsideThePool_InvalidParameter()
    {
        var pool = await RequestPoolAsync(TestSubnet(12));

        await ConformanceAssert.ThrowsBerthAsync(() => RequestAddressAsync(pool.PoolId, "192.0.2.10"), BerthErrorKind.InvalidParameter);
    }

    [Test]
    public async Task RequestAddress_UnknownPool_Refused()
    {
        var pool = await RequestPoolAsync(TestSubnet(13));
        await Driver.ReleasePoolAsync(pool.PoolId, Cancellation);

        await ConformanceAssert.ThrowsBerthAsync(() => RequestAddressAsync(pool.PoolId), BerthErrorKind.NotFound, BerthErrorKind.InvalidParameter);
    }

    [Test]
    public async Task RequestAddress_PoolExhausted_Unavailable()
    {
        var small = TestSubnet(14).Replace(".0/24", ".0/29", StringComparison.Ordinal);
        var pool = await RequestPoolAsync(small);
        var handed = new List<IPAddress>();

        for (var i = 0; i < 6; i++)
        {
            try
            {
                handed.Add(AddressOf(await RequestAddressAsync(pool.PoolId), small));
            }
            catch (BerthException)
            {
                break; // a driver may keep more than the network and broadcast addresses back
            }
        }
        var error = await ConformanceAssert.ThrowsBerthAsync(() => RequestAddressAsync(pool.PoolId), BerthErrorKind.Unavailable);

        Assert.That(handed, Is.Not.Empty, $"a /29 has six usable addresses; none was handed out ({error.Message})");
        Assert.That(handed.Distinct().Count(), Is.EqualTo(handed.Count));
        var network = IPNetwork.Parse(small).BaseAddress.GetAddressBytes();
        var broadcast = (byte[])network.Clone();
        broadcast[3] += 7;
        Assert.That(handed, Does.Not.Contain(new IPAddress(network)).And.Not.Contain(new IPAddress(broadcast)), "never the network or broadcast address");
    }

    [Test]
    public async Task ReleaseAddress_ThenRequestedAgain_Succeeds()
    {
        var pool = await RequestPoolAsync(TestSubnet(15));
        var wanted = TestSubnet(15).Replace(".0/24", ".9", StringComparison.Ordinal);
        await RequestAddressAsync(pool.PoolId, wanted);

        await Driver.ReleaseAddressAsync(pool.PoolId, wanted, Cancellation);
        var again = await RequestAddressAsync(pool.PoolId, wanted);

        Assert.That(AddressOf(again, TestSubnet(15)).ToString(), Is.EqualTo(wanted));
    }

    [Test]
    public async Task ReleaseAddress_Twice_SecondSucceeds()
    {
        var pool = await RequestPoolAsync(TestSubnet(16));
        var address = AddressOf(await RequestAddressAsync(pool.PoolId), TestSubnet(16)).ToString();
        await Driver.ReleaseAddressAsync(pool.PoolId, address, Cancellation);

        Assert.DoesNotThrowAsync(() => Driver.ReleaseAddressAsync(pool.PoolId, address, Cancellation),
            "berthd repeats a release a crash interrupted: releasing a free address is done, not an error");
    }

    [Test]
    public async Task RequestAddress_FiftyAtOnce_FiftyDistinctAddresses()
    {
        var pool = await RequestPoolAsync(TestSubnet(17));

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => RequestAddressAsync(pool.PoolId))));

        Assert.That(answers.Select(a => AddressOf(a, TestSubnet(17))).Distinct().Count(), Is.EqualTo(50));
    }

    [Test]
    public async Task Restart_NewDriverOverTheSameRoot_KeepsPoolsAndAddresses()
    {
        var pool = await RequestPoolAsync(TestSubnet(18));
        var taken = AddressOf(await RequestAddressAsync(pool.PoolId), TestSubnet(18)).ToString();

        await NewDriverAsync();

        await ConformanceAssert.ThrowsBerthAsync(() => RequestPoolAsync(TestSubnet(18)), BerthErrorKind.Forbidden);
        await ConformanceAssert.ThrowsBerthAsync(() => RequestAddressAsync(pool.PoolId, taken), BerthErrorKind.Forbidden);
        await Driver.ReleaseAddressAsync(pool.PoolId, taken, Cancellation);
        Assert.That(AddressOf(await RequestAddressAsync(pool.PoolId, taken), TestSubnet(18)).ToString(), Is.EqualTo(taken),
            "the pool id from before the restart still names the pool");
    }
}
