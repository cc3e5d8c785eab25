using System.Text.Json;
using Berth.Plugins.BridgeNet.Bridge;
using Berth.Plugins.BridgeNet.Dns;

namespace Berth.Plugins.Tests.BridgeNet.Dns;

/// <summary>The endpoints' DNS registrations in bridge.json.</summary>
public class BridgeStateFileDnsTests
{
    private string directory = "";

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("berth-bridge-dns-state-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public void Save_EndpointWithDns_LoadsTheSameRegistration()
    {
        var registration = new DnsRegistration("e1", "n1", "/run/netns/c1", "10.1.0.2", "fd00::2", ["web", "0123456789ab"], ["db:database"], ["10.0.0.53", "127.0.0.1:5353"]);
        var state = new BridgeState();
        state.Endpoints["e1"] = new BridgeEndpoint("e1", "n1", "veth1234567", "vethc7654321", "10.1.0.2/24", "fd00::2/64", "02:42:0a:01:00:02") { Dns = registration };
        state.Endpoints["e2"] = new BridgeEndpoint("e2", "n1", "veth2234567", "vethc2654321", "10.1.0.3/24", null, "02:42:0a:01:00:03");

        new BridgeStateFile(directory).Save(state);
        var loaded = new BridgeStateFile(directory).Load();

        Assert.That(loaded.Endpoints["e1"].Dns, Is.EqualTo(registration));
        Assert.That(loaded.Endpoints["e1"], Is.EqualTo(state.Endpoints["e1"]));
        Assert.That(loaded.Endpoints["e2"].Dns, Is.Null);
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "bridge.json")));
        var endpoints = document.RootElement.GetProperty("endpoints");
        Assert.That(endpoints[0].GetProperty("dns").GetProperty("sandboxKey").GetString(), Is.EqualTo("/run/netns/c1"));
        Assert.That(endpoints[1].TryGetProperty("dns", out _), Is.False);
    }

    [Test]
    public void Load_FileFromBeforeDns_EndpointWithoutRegistration()
    {
        File.WriteAllText(Path.Combine(directory, "bridge.json"), """
            { "version": 1, "networks": [],
              "endpoints": [ { "id": "e1", "networkId": "n1", "hostInterface": "veth1234567", "containerInterface": "vethc7654321",
                               "address": "10.1.0.2/24", "macAddress": "02:42:0a:01:00:02" } ] }
            """);

        var endpoint = new BridgeStateFile(directory).Load().Endpoints["e1"];

        Assert.That((endpoint.Address, endpoint.Dns), Is.EqualTo(("10.1.0.2/24", (DnsRegistration?)null)));
    }

    [Test]
    public void Load_RegistrationWithoutLists_EmptyLists()
    {
        File.WriteAllText(Path.Combine(directory, "bridge.json"), """
            { "version": 1, "networks": [],
              "endpoints": [ { "id": "e1", "networkId": "n1", "hostInterface": "veth1234567", "containerInterface": "vethc7654321",
                               "macAddress": "02:42:0a:01:00:02",
                               "dns": { "endpointId": "e1", "networkId": "n1", "sandboxKey": "/run/netns/c1", "names": [ "web" ] } } ] }
            """);

        var dns = new BridgeStateFile(directory).Load().Endpoints["e1"].Dns!;

        Assert.That((dns.Names.Single(), dns.Links.Count, dns.Servers.Count, dns.Address), Is.EqualTo(("web", 0, 0, (string?)null)));
    }
}
