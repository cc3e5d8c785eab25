using Berth.Kernel.Config;
using Berth.Kernel.Events;
using Berth.Kernel.Networks;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Networks;

public class NetworkServiceTests
{
    private string root = null!;
    private RecordingNetworkDrivers drivers = null!;
    private EventsService events = null!;

    [SetUp]
    public void SetUp()
    {
        root = Directory.CreateTempSubdirectory("berth-networks-").FullName;
        drivers = new RecordingNetworkDrivers();
        events = new EventsService(TimeProvider.System);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(root, recursive: true);

    private async Task<NetworkService> ServiceAsync()
    {
        var (store, loaded) = await NetworkStore.LoadAsync(root, CancellationToken.None);
        return new NetworkService(store, loaded, drivers, events, TimeProvider.System);
    }

    private static NetworkCreateRequest Request(string name, string? subnet = null, string? gateway = null) => new()
    {
        Name = name,
        IpamConfig = subnet is null ? [] : [new IpamConfigRequest(subnet, null, gateway)],
    };

    [Test]
    public async Task CreateAsync_NewName_RequestsPoolAndGatewayThenCreatesInTheDriver()
    {
        var service = await ServiceAsync();

        var (network, _) = await service.CreateAsync(Request("appnet"), CancellationToken.None);

        Assert.That(drivers.Calls, Is.EqualTo(new[] { "RequestPool 172.18.0.0/16", "RequestAddress 172.18.0.1 com.docker.network.gateway", $"CreateNetwork {network.Id[..12]}" }));
        Assert.That(network.Pools.Single(), Is.EqualTo(new IpamPool("172.18.0.0/16", null, "172.18.0.1", "LocalDefault/172.18.0.0/16", false, "LocalDefault")));
        Assert.That(drivers.Created.Single().IPv4Data.Single().Gateway, Is.EqualTo("172.18.0.1/16"));
        Assert.That(service.Get("appnet").Id, Is.EqualTo(network.Id));
    }

    [Test]
    public async Task CreateAsync_IpamDriverWithItsOwnAddressSpace_PoolAndNetworkDriverCarryIt()
    {
        drivers.LocalAddressSpace = "AcmeSpace";
        var service = await ServiceAsync();

        var (network, _) = await service.CreateAsync(Request("acme"), CancellationToken.None);

        Assert.That(network.Pools.Single().AddressSpace, Is.EqualTo("AcmeSpace"));
        Assert.That(drivers.Created.Single().IPv4Data.Single().AddressSpace, Is.EqualTo("AcmeSpace"), "libnetwork hands the driver the pool's own space");
    }

    [Test]
    public async Task WhenReadyAsync_DaemonStarting_WaitsForThePredefinedNetworks()
    {
        var service = await ServiceAsync();
        service.AwaitPredefined();

        var waiting = service.WhenReadyAsync(CancellationToken.None);
        Assert.That(waiting.IsCompleted, Is.False);
        service.PredefinedReady();

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(service.WhenReadyAsync(CancellationToken.None).IsCompleted, Is.True);
    }

    [Test]
    public async Task CreateAsync_NameInUse_IsAConflictNamingIt()
    {
        var service = await ServiceAsync();
        await service.CreateAsync(Request("appnet"), CancellationToken.None);

        var error = Assert.ThrowsAsync<BerthException>(() => service.CreateAsync(Request("appnet"), CancellationToken.None));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.Conflict));
        Assert.That(error.Message, Is.EqualTo("network with name appnet already exists"));
    }

    [TestCase("host")]
    [TestCase("null")]
    public async Task CreateAsync_BuiltinDriver_IsForbiddenAsInMoby(string driver)
    {
        var service = await ServiceAsync();

        var error = Assert.ThrowsAsync<BerthException>(() => service.CreateAsync(Request("x") with { Driver = driver }, CancellationToken.None));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.Forbidden));
        Assert.That(error.Message, Is.EqualTo($"only one instance of \"{driver}\" network is allowed"));
    }

    [TestCase("")]
    [TestCase("a/b")]
    [TestCase("-x")]
    public async Task CreateAsync_BadName_IsInvalid(string name)
    {
        var service = await ServiceAsync();

        var error = Assert.ThrowsAsync<BerthException>(() => service.CreateAsync(Request(name), CancellationToken.None));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }

    [Test]
    public async Task CreateAsync_DriverFails_PoolAndGatewayAreReleasedAndNothingIsStored()
    {
        var service = await ServiceAsync();
        drivers.CreateNetworkFailure = BerthException.Invalid("bridge name in use");

        Assert.ThrowsAsync<BerthException>(() => service.CreateAsync(Request("appnet", "10.9.0.0/24"), CancellationToken.None));

        Assert.That(drivers.Calls, Does.Contain("ReleaseAddress 10.9.0.1").And.Contain("ReleasePool LocalDefault/10.9.0.0/24"));
        Assert.That(drivers.Pools, Is.Empty);
        Assert.That(service.Find("appnet"), Is.Null);
        Assert.That(Directory.EnumerateFiles(root), Is.Empty);
    }

    [Test]
    public async Task CreateAsync_GatewayWithoutSubnet_IsInvalid()
    {
        var service = await ServiceAsync();

        var error = Assert.ThrowsAsync<BerthException>(() => service.CreateAsync(Request("appnet") with { IpamConfig = [new IpamConfigRequest(null, null, "10.0.0.1")] }, CancellationToken.None));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }

    [Test]
    public async Task RemoveAsync_UserNetwork_DeletesInDriverReleasesPoolAndForgetsIt()
    {
        var service = await ServiceAsync();
        var (network, _) = await service.CreateAsync(Request("appnet", "10.9.0.0/24"), CancellationToken.None);

        await service.RemoveAsync("appnet", CancellationToken.None);

        Assert.That(drivers.Calls.Skip(3), Is.EqualTo(new[] { $"DeleteNetwork {network.Id[..12]}", "ReleaseAddress 10.9.0.1", "ReleasePool LocalDefault/10.9.0.0/24" }));
        Assert.That(service.Find("appnet"), Is.Null);
        Assert.That((await ServiceAsync()).Find("appnet"), Is.Null);
    }

    [Test]
    public async Task RemoveAsync_WithAnEndpoint_IsForbiddenNamingTheNetwork()
    {
        var service = await ServiceAsync();
        var (network, _) = await service.CreateAsync(Request("appnet"), CancellationToken.None);
        service.Track(network.Id, new EndpointRecord("c1", "web", "e1", "02:42:ac:12:00:02", "172.18.0.2/16", "", []));

        var error = Assert.ThrowsAsync<BerthException>(() => service.RemoveAsync("appnet", CancellationToken.None));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.Forbidden));
        Assert.That(error.Message, Is.EqualTo($"error while removing network: network appnet id {network.Id} has active endpoints"));
    }

    [Test]
    public async Task EnsurePredefinedAsync_FreshRoot_MakesHostNoneAndTheDefaultBridge()
    {
        var service = await ServiceAsync();

        await service.EnsurePredefinedAsync(new DaemonConfig(), CancellationToken.None);

        Assert.That(service.List().Select(n => (n.Name, n.Driver)), Is.EquivalentTo(new[] { ("bridge", "bridge"), ("host", "host"), ("none", "null") }));
        var options = drivers.Created.Single().Options["com.docker.network.generic"];
        Assert.That(options.GetProperty("com.docker.network.bridge.name").GetString(), Is.EqualTo("berth0"));
        var error = Assert.ThrowsAsync<BerthException>(() => service.RemoveAsync("bridge", CancellationToken.None));
        Assert.That(error!.Message, Is.EqualTo("bridge is a pre-defined network and cannot be removed"));
    }

    [Test]
    public async Task EnsurePredefinedAsync_Bip_GivesTheSubnetAndTheBridgeAddressAsGateway()
    {
        var service = await ServiceAsync();

        await service.EnsurePredefinedAsync(new DaemonConfig { Bip = "10.66.0.5/24" }, CancellationToken.None);

        Assert.That(service.Get("bridge").Pools.Single(), Is.EqualTo(new IpamPool("10.66.0.0/24", null, "10.66.0.5", "LocalDefault/10.66.0.0/24", false, "LocalDefault")));
    }

    [Test]
    public async Task EnsurePredefinedAsync_BridgeNone_MakesNoDefaultBridge()
    {
        var service = await ServiceAsync();

        await service.EnsurePredefinedAsync(new DaemonConfig { Bridge = "none" }, CancellationToken.None);

        Assert.That(service.List().Select(n => n.Name), Is.EquivalentTo(new[] { "host", "none" }));
    }

    [Test]
    public async Task EnsurePredefinedAsync_SecondStart_KeepsTheSameNetworks()
    {
        var first = await ServiceAsync();
        await first.EnsurePredefinedAsync(new DaemonConfig(), CancellationToken.None);
        var ids = first.List().Select(n => n.Id).ToList();

        var second = await ServiceAsync();
        await second.EnsurePredefinedAsync(new DaemonConfig(), CancellationToken.None);

        Assert.That(second.List().Select(n => n.Id), Is.EquivalentTo(ids));
    }

    [Test]
    public async Task ReplayNetworksAsync_PluginRestarted_AnnouncesEveryDriverNetworkAgain()
    {
        var service = await ServiceAsync();
        var (network, _) = await service.CreateAsync(Request("appnet"), CancellationToken.None);
        drivers.Created.Clear();

        await service.ReplayNetworksAsync("bridge-net-id", CancellationToken.None);

        Assert.That(drivers.Created.Select(c => c.NetworkId), Is.EqualTo(new[] { network.Id }));
    }

    [Test]
    public async Task Get_AmbiguousIdPrefix_IsInvalid()
    {
        var service = await ServiceAsync();
        for (var i = 0; i < 40; i++) await service.CreateAsync(Request($"n{i}"), CancellationToken.None);
        var prefix = service.List().GroupBy(n => n.Id[..1]).First(g => g.Count() > 1).Key;

        var error = Assert.Throws<BerthException>(() => service.Get(prefix));

        Assert.That(error!.Message, Does.Contain("is ambiguous"));
    }
}
