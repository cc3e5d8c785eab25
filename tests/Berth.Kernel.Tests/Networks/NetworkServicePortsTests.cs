using Berth.Kernel.Events;
using Berth.Kernel.Networks;
using Berth.Sdk;
using Berth.Sdk.Network;

namespace Berth.Kernel.Tests.Networks;

public class NetworkServicePortsTests
{
    private string root = null!;
    private RecordingNetworkDrivers drivers = null!;

    [SetUp]
    public void SetUp()
    {
        root = Directory.CreateTempSubdirectory("berth-networks-").FullName;
        drivers = new RecordingNetworkDrivers();
    }

    [TearDown]
    public void TearDown() => Directory.Delete(root, recursive: true);

    private async Task<(NetworkService Service, NetworkRecord Network)> NetworkAsync()
    {
        var (store, loaded) = await NetworkStore.LoadAsync(root, CancellationToken.None);
        var service = new NetworkService(store, loaded, drivers, new EventsService(TimeProvider.System), TimeProvider.System);
        var (network, _) = await service.CreateAsync(new NetworkCreateRequest { Name = "appnet" }, CancellationToken.None);
        return (service, network);
    }

    [Test]
    public async Task PublishAsync_Bindings_ProgramsThenReadsTheChosenPortsBack()
    {
        var (service, network) = await NetworkAsync();
        PortBinding[] bindings = [new(6, "", 80, "127.0.0.1", 8080, 0), new(17, "", 53, "", 0, 0)];

        var published = await service.PublishAsync(network.Id, "ep1", "web", bindings, [new ExposedPort(6, 80)], CancellationToken.None);

        Assert.That(drivers.Calls.TakeLast(2), Is.EqualTo(new[] { "ProgramExternalConnectivity ep1", "EndpointOperInfo ep1" }));
        Assert.That(published, Is.EqualTo(new[] { new PortBinding(6, "", 80, "127.0.0.1", 8080, 0), new PortBinding(17, "", 53, "0.0.0.0", 32768, 0) }));
    }

    [Test]
    public async Task PublishAsync_NoBindings_AsksTheDriverNothing()
    {
        var (service, network) = await NetworkAsync();
        var before = drivers.Calls.Count;

        var published = await service.PublishAsync(network.Id, "ep1", "web", [], [new ExposedPort(6, 80)], CancellationToken.None);

        Assert.That(published, Is.Empty);
        Assert.That(drivers.Calls, Has.Count.EqualTo(before));
    }

    [Test]
    public async Task PublishAsync_DriverRefuses_RevokesAndNamesTheEndpointAsMoby()
    {
        var (service, network) = await NetworkAsync();
        drivers.ProgramFailure = new BerthException("Bind for 0.0.0.0:8080 failed: port is already allocated");

        var error = Assert.ThrowsAsync<BerthException>(() =>
            service.PublishAsync(network.Id, "ep1", "web", [new PortBinding(6, "", 80, "", 8080, 0)], [], CancellationToken.None));

        Assert.That(error!.Message, Is.EqualTo("driver failed programming external connectivity on endpoint web (ep1): Bind for 0.0.0.0:8080 failed: port is already allocated"));
        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.System));
        Assert.That(drivers.Calls.Last(), Is.EqualTo("RevokeExternalConnectivity ep1"));
    }
}
