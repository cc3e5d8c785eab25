using Berth.Kernel.Plugins.V1;
using Berth.Sdk;
using Berth.Sdk.Ipam;

namespace Berth.Kernel.Tests.Plugins.V1;

public sealed class V1IpamDriverTests : V1DriverTestBase
{
    [Test]
    public async Task RequestPoolAsync_Request_SendsLibnetworkFieldsAndMapsReply()
    {
        var ipam = Driver<IIpamDriver>(V1Interfaces.IpamDriver);
        Plugin.Reply("IpamDriver.RequestPool", "{\"PoolID\":\"p1\",\"Pool\":\"10.9.0.0/24\",\"Data\":{\"k\":\"v\"}}");

        var pool = await ipam.RequestPoolAsync(new RequestPoolRequest("LocalDefault", null, null, new Dictionary<string, string> { ["o"] = "1" }, false), CancellationToken.None);

        Assert.That(pool, Is.EqualTo(pool with { PoolId = "p1", Pool = "10.9.0.0/24" }));
        Assert.That(pool.Data!["k"], Is.EqualTo("v"));
        Assert.That(Plugin.Last("IpamDriver.RequestPool").Body,
            Is.EqualTo("{\"AddressSpace\":\"LocalDefault\",\"Pool\":\"\",\"SubPool\":\"\",\"Options\":{\"o\":\"1\"},\"V6\":false}"));
    }

    [Test]
    public async Task RequestAddressAsync_AnyAddress_SendsEmptyAddressAndReturnsCidr()
    {
        var ipam = Driver<IIpamDriver>(V1Interfaces.IpamDriver);
        Plugin.Reply("IpamDriver.RequestAddress", "{\"Address\":\"10.9.0.2/24\"}");

        var address = await ipam.RequestAddressAsync(new RequestAddressRequest("p1", null, null), CancellationToken.None);

        Assert.That(address.Address, Is.EqualTo("10.9.0.2/24"));
        Assert.That(Sent("IpamDriver.RequestAddress").GetProperty("Address").GetString(), Is.Empty);
    }

    [Test]
    public async Task RequestAddressAsync_ReplyWithError_Throws()
    {
        var ipam = Driver<IIpamDriver>(V1Interfaces.IpamDriver);
        Plugin.Reply("IpamDriver.RequestAddress", "{\"Error\":\"pool exhausted\"}");

        var ex = await Wait.ThrowsAsync<BerthException>(() => ipam.RequestAddressAsync(new RequestAddressRequest("p1", null, null), CancellationToken.None));

        Assert.That(ex.Message, Is.EqualTo("plugin foo: IpamDriver.RequestAddress: pool exhausted"));
    }

    [Test]
    public async Task RequestAddressAsync_ReplyWithoutAddress_Throws()
    {
        var ipam = Driver<IIpamDriver>(V1Interfaces.IpamDriver);
        Plugin.Reply("IpamDriver.RequestAddress", "{}");

        var ex = await Wait.ThrowsAsync<BerthException>(() => ipam.RequestAddressAsync(new RequestAddressRequest("p1", null, null), CancellationToken.None));

        Assert.That(ex.Message, Does.Contain("the reply has no Address"));
    }

    [Test]
    public async Task ReleaseAddressAsync_Address_SendsPoolAndAddress()
    {
        var ipam = Driver<IIpamDriver>(V1Interfaces.IpamDriver);
        Plugin.Reply("IpamDriver.ReleaseAddress", "{}");

        await ipam.ReleaseAddressAsync("p1", "10.9.0.2", CancellationToken.None);

        Assert.That(Plugin.Last("IpamDriver.ReleaseAddress").Body, Is.EqualTo("{\"PoolID\":\"p1\",\"Address\":\"10.9.0.2\"}"));
    }

    [Test]
    public async Task GetCapabilitiesAsync_NotImplemented_ReturnsNone()
    {
        var ipam = Driver<IIpamDriver>(V1Interfaces.IpamDriver);

        Assert.That(await ipam.GetCapabilitiesAsync(CancellationToken.None), Is.EqualTo(new IpamCapabilities(false, false)));
    }

    [Test]
    public async Task GetDefaultAddressSpacesAsync_Reply_MapsBoth()
    {
        var ipam = Driver<IIpamDriver>(V1Interfaces.IpamDriver);
        Plugin.Reply("IpamDriver.GetDefaultAddressSpaces", "{\"LocalDefaultAddressSpace\":\"l\",\"GlobalDefaultAddressSpace\":\"g\"}");

        Assert.That(await ipam.GetDefaultAddressSpacesAsync(CancellationToken.None), Is.EqualTo(new AddressSpaces("l", "g")));
    }
}
