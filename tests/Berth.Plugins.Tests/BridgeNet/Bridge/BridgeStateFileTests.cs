using System.Text.Json;
using Berth.Plugins.BridgeNet.Bridge;

namespace Berth.Plugins.Tests.BridgeNet.Bridge;

public class BridgeStateFileTests
{
    private static readonly BridgeNetwork Network = new("n1", "br-one", "10.1.0.0/24", "10.1.0.1/24", null, null, 1450,
        EnableIcc: false, EnableMasquerade: true, Internal: false, EnableIPv6: false, DefaultBridge: true, HostBindingIPv4: "0.0.0.0",
        ContainerInterfacePrefix: "eth", CreatedBridge: true);

    private static readonly BridgeEndpoint Endpoint = new("e1", "n1", "veth1234567", "vethc7654321", "10.1.0.2/24", null, "02:42:0a:01:00:02");

    private string directory = "";

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("berth-bridge-state-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public void Load_NoFile_Empty()
    {
        var state = new BridgeStateFile(directory).Load();

        Assert.That((state.Networks.Count, state.Endpoints.Count), Is.EqualTo((0, 0)));
    }

    [Test]
    public void Save_ThenLoad_SameNetworksAndEndpoints()
    {
        var file = new BridgeStateFile(directory);
        var state = new BridgeState();
        state.Networks[Network.Id] = Network;
        state.Endpoints[Endpoint.Id] = Endpoint;

        file.Save(state);
        var loaded = new BridgeStateFile(directory).Load();

        Assert.That(loaded.Networks.Values, Is.EqualTo(new[] { Network }));
        Assert.That(loaded.Endpoints.Values, Is.EqualTo(new[] { Endpoint }));
    }

    [Test]
    public void Save_Always_CamelCaseDocumentWithoutNullsOrTemporaryFiles()
    {
        var state = new BridgeState();
        state.Networks[Network.Id] = Network;
        state.Endpoints[Endpoint.Id] = Endpoint;

        new BridgeStateFile(directory).Save(state);

        Assert.That(Directory.GetFiles(directory).Select(Path.GetFileName), Is.EqualTo(new[] { "bridge.json" }));
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "bridge.json")));
        var root = document.RootElement;
        Assert.That(root.GetProperty("version").GetInt32(), Is.EqualTo(1));
        var network = root.GetProperty("networks")[0];
        Assert.That((network.GetProperty("bridgeName").GetString(), network.GetProperty("createdBridge").GetBoolean(), network.TryGetProperty("subnetIPv6", out _), network.TryGetProperty("gatewayAddress", out _)),
            Is.EqualTo(("br-one", true, false, false)));
        Assert.That(root.GetProperty("endpoints")[0].GetProperty("hostInterface").GetString(), Is.EqualTo("veth1234567"));
    }

    [Test]
    public void Load_OtherVersion_InvalidData()
    {
        File.WriteAllText(Path.Combine(directory, "bridge.json"), """{ "version": 2, "networks": [], "endpoints": [] }""");

        Assert.Throws<InvalidDataException>(() => new BridgeStateFile(directory).Load());
    }

    [Test]
    public void Load_NotJson_InvalidData()
    {
        File.WriteAllText(Path.Combine(directory, "bridge.json"), "{ nope");

        Assert.Throws<InvalidDataException>(() => new BridgeStateFile(directory).Load());
    }
}
