using Berth.Plugins.BridgeNet;
using Berth.Sdk;
using Berth.Sdk.Ipam;

namespace Berth.Plugins.Tests.BridgeNet.Ipam;

/// <summary>The plugin serves IPAM through <c>DefaultIpam</c> with its state in the root the host gives it.</summary>
public class BridgeNetPluginIpamTests
{
    private string root = "";

    [SetUp]
    public void CreateRoot() => root = Directory.CreateTempSubdirectory("berth-bridge-net-").FullName;

    [TearDown]
    public void RemoveRoot() => Directory.Delete(root, recursive: true);

    private BridgeNetPlugin NewPlugin() => new(new PluginContext("bridge-net", root, new Dictionary<string, string>(), null!, TextWriter.Null));

    [Test]
    public async Task RequestPool_ThroughThePlugin_IsKeptInItsRoot()
    {
        IIpamDriver plugin = NewPlugin();
        var pool = await plugin.RequestPoolAsync(new RequestPoolRequest("LocalDefault", "10.99.0.0/16", null, null, false), CancellationToken.None);
        var gateway = await plugin.RequestAddressAsync(
            new RequestAddressRequest(pool.PoolId, null, new Dictionary<string, string> { ["RequestAddressType"] = "com.docker.network.gateway" }), CancellationToken.None);

        IIpamDriver restarted = NewPlugin();
        var error = await Wait.ThrowsAsync<BerthException>(() =>
            restarted.RequestPoolAsync(new RequestPoolRequest("LocalDefault", "10.99.0.0/16", null, null, false), CancellationToken.None));

        Assert.That(gateway.Address, Is.EqualTo("10.99.0.1/16"));
        Assert.That(File.Exists(Path.Combine(root, "ipam.json")), Is.True);
        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.Forbidden));
    }

    [Test]
    public async Task ReleasePool_ThroughThePlugin_FreesThePool()
    {
        IIpamDriver plugin = NewPlugin();
        var pool = await plugin.RequestPoolAsync(new RequestPoolRequest("LocalDefault", "10.99.0.0/16", null, null, false), CancellationToken.None);

        await plugin.ReleasePoolAsync(pool.PoolId, CancellationToken.None);
        var again = await plugin.RequestPoolAsync(new RequestPoolRequest("LocalDefault", "10.99.0.0/16", null, null, false), CancellationToken.None);

        Assert.That(again.PoolId, Is.EqualTo(pool.PoolId));
    }
}
