using System.Text.Json;
using Berth.Sdk;

namespace Berth.Plugins.Tests.BridgeNet.Ipam;

public class PersistenceTests : IpamFixture
{
    private string StatePath => Path.Combine(StateDirectory, "ipam.json");

    [Test]
    public async Task NewInstance_SameRoot_KeepsPoolsAndAddresses()
    {
        var pool = await PoolAsync("10.5.0.0/24");
        await PoolAsync();
        for (var i = 0; i < 3; i++) await AddressAsync(pool.PoolId);

        var restarted = NewIpam();

        await FailsAsync(() => PoolAsync("10.5.0.0/24", ipam: restarted), BerthErrorKind.Forbidden,
            "invalid pool request: Pool overlaps with other one on this address space");
        await FailsAsync(() => AddressAsync(pool.PoolId, "10.5.0.2", ipam: restarted), BerthErrorKind.Forbidden, "Address already in use");
        Assert.That(await AddressAsync(pool.PoolId, ipam: restarted), Is.EqualTo("10.5.0.4"));
        Assert.That((await PoolAsync(ipam: restarted)).Pool, Is.EqualTo("172.18.0.0/16"));
    }

    [Test]
    public async Task NewInstance_SameRoot_KeepsTheSerialCursor()
    {
        var pool = await PoolAsync("10.5.0.0/24", options: Serial);
        for (var i = 0; i < 3; i++) await AddressAsync(pool.PoolId);
        await ReleaseAsync(pool.PoolId, "10.5.0.2");

        var restarted = NewIpam();

        Assert.That(await AddressAsync(pool.PoolId, ipam: restarted), Is.EqualTo("10.5.0.4"));
    }

    [Test]
    public async Task NewInstance_SameRoot_ForgetsReleasedPoolsAndAddresses()
    {
        var kept = await PoolAsync("10.5.0.0/24");
        var gone = await PoolAsync("10.6.0.0/24");
        await AddressAsync(kept.PoolId);
        await AddressAsync(kept.PoolId);
        await ReleaseAsync(kept.PoolId, "10.5.0.1");
        await ReleasePoolAsync(gone.PoolId);

        var restarted = NewIpam();

        Assert.That(await AddressAsync(kept.PoolId, ipam: restarted), Is.EqualTo("10.5.0.1"));
        Assert.That((await PoolAsync("10.6.0.0/24", ipam: restarted)).Pool, Is.EqualTo("10.6.0.0/24"));
    }

    [Test]
    public async Task NewInstance_SameRoot_KeepsSubPoolsAndWhenTheirPoolGoes()
    {
        var plain = await PoolAsync("10.1.0.0/16");
        var sub = await PoolAsync("10.1.0.0/16", "10.1.5.0/24");
        await ReleasePoolAsync(plain.PoolId);

        var restarted = NewIpam();
        var address = await AddressAsync(sub.PoolId, ipam: restarted);
        await ReleasePoolAsync(sub.PoolId, restarted);

        Assert.That(address, Is.EqualTo("10.1.5.0"));
        Assert.That((await PoolAsync("10.1.0.0/16", ipam: restarted)).Pool, Is.EqualTo("10.1.0.0/16"));
    }

    [Test]
    public async Task StateFile_AfterChanges_HoldsPoolsAndAddressRunsAndNoTemporaryFile()
    {
        var pool = await PoolAsync("10.5.0.0/24", "10.5.0.128/25");
        await GatewayAsync(pool.PoolId);
        await AddressAsync(pool.PoolId);
        await AddressAsync(pool.PoolId);
        await AddressAsync(pool.PoolId, "10.5.0.200");

        using var state = JsonDocument.Parse(await File.ReadAllBytesAsync(StatePath));
        var saved = state.RootElement.GetProperty("pools")[0];

        Assert.Multiple(() =>
        {
            Assert.That(state.RootElement.GetProperty("version").GetInt32(), Is.EqualTo(1));
            Assert.That(saved.GetProperty("addressSpace").GetString(), Is.EqualTo("LocalDefault"));
            Assert.That(saved.GetProperty("subnet").GetString(), Is.EqualTo("10.5.0.0/24"));
            Assert.That(saved.GetProperty("subPools").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "10.5.0.128/25" }));
            Assert.That(saved.GetProperty("autoRelease").GetBoolean(), Is.True);
            Assert.That(saved.GetProperty("lastAllocated").GetString(), Is.EqualTo("10.5.0.129"));
            Assert.That(saved.GetProperty("allocated").EnumerateArray().Select(e => e.GetString()),
                Is.EqualTo(new[] { "10.5.0.1", "10.5.0.128-10.5.0.129", "10.5.0.200" }));
            Assert.That(Directory.GetFiles(StateDirectory).Select(Path.GetFileName), Is.EqualTo(new[] { "ipam.json" }));
        });
    }

    [Test]
    public async Task NewInstance_UnreadableState_FailsIpamCallsButStillAnswersAddressSpaces()
    {
        await File.WriteAllTextAsync(StatePath, "{ not json");

        var broken = NewIpam();

        var error = await Wait.ThrowsAsync<BerthException>(() => PoolAsync("10.5.0.0/24", ipam: broken));
        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.System));
        Assert.That(error.Message, Does.StartWith("bridge-net IPAM: cannot load its state: ").And.Contain(StatePath));
        Assert.That((await broken.GetDefaultAddressSpacesAsync(CancellationToken.None)).LocalDefaultAddressSpace, Is.EqualTo("LocalDefault"));
    }

    [Test]
    public async Task NewInstance_NoStateFile_StartsEmpty()
    {
        Assert.That(File.Exists(StatePath), Is.False);

        Assert.That((await PoolAsync()).Pool, Is.EqualTo("172.17.0.0/16"));
        Assert.That(File.Exists(StatePath), Is.True);
    }
}
