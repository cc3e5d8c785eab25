using System.Net;
using Berth.Plugins.Tests.BridgeNet.Bridge.Support;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Plugins.Tests.BridgeNet.Bridge;

/// <summary>The state in the plugin's root across driver instances (plugin restarts) and the daemon's replay of CreateNetwork.</summary>
public class RestartTests : NamespaceFixture
{
    [Test]
    public async Task NewDriver_SameRoot_KnowsNetworksAndEndpoints()
    {
        var network = NewId();
        var endpoint = NewId();
        var first = NewDriver();
        await first.CreateNetworkAsync(NetworkRequest(network, generic: BridgeName("berth-r")), CancellationToken.None);
        await first.CreateEndpointAsync(EndpointRequest(network, endpoint), CancellationToken.None);
        var joined = await first.JoinAsync(JoinRequest(network, endpoint), CancellationToken.None);

        var second = NewDriver();

        Assert.That(await second.JoinAsync(JoinRequest(network, endpoint), CancellationToken.None), Is.EqualTo(joined).Using<Sdk.Network.JoinResponse>(SameJoin));
        Assert.That((await second.EndpointOperInfoAsync(network, endpoint, CancellationToken.None))["com.docker.network.endpoint.macaddress"].GetString(), Is.EqualTo("02:42:0a:4d:00:02"));
        await second.DeleteEndpointAsync(network, endpoint, CancellationToken.None);
        await second.DeleteNetworkAsync(network, CancellationToken.None);
        Assert.That(Host.GetLinks().Where(l => l.Kind is "veth" or "bridge"), Is.Empty);
        Assert.That(await RulesMentioningAsync("berth-r"), Is.Empty);
    }

    [Test]
    public async Task CreateNetwork_ReplayAfterReboot_BridgeAndRulesBackAndStillOurs()
    {
        var network = NewId();
        await NewDriver().CreateNetworkAsync(NetworkRequest(network, generic: BridgeName("berth-r")), CancellationToken.None);
        var rules = await RulesMentioningAsync("berth-r");
        // What a reboot takes away: the bridge and every rule.
        Host.DeleteLink(Host.GetIndex("berth-r")!.Value);
        foreach (var flush in new[] { new[] { "-t", "nat", "-F" }, ["-t", "filter", "-F"], ["-t", "filter", "-X"] })
            Assert.That((await HostIptables.RunAsync(flush, CancellationToken.None)).ExitCode, Is.Zero);

        var restarted = NewDriver();
        await restarted.CreateNetworkAsync(NetworkRequest(network, generic: BridgeName("berth-r")), CancellationToken.None);

        var bridge = Host.GetLink("berth-r")!;
        Assert.That(bridge.IsUp, Is.True);
        Assert.That(Host.GetAddresses(bridge.Index), Does.Contain(new InterfaceAddress(IPAddress.Parse("10.77.0.1"), 24)));
        Assert.That(await RulesMentioningAsync("berth-r"), Is.EquivalentTo(rules));
        await restarted.DeleteNetworkAsync(network, CancellationToken.None);
        Assert.That(Host.GetLink("berth-r"), Is.Null);
    }

    [Test]
    public async Task CreateNetwork_ReplayWithBridgeStillThere_DeletedWithTheNetwork()
    {
        var network = NewId();
        await NewDriver().CreateNetworkAsync(NetworkRequest(network, generic: BridgeName("berth-r")), CancellationToken.None);

        var restarted = NewDriver();
        await restarted.CreateNetworkAsync(NetworkRequest(network, generic: BridgeName("berth-r")), CancellationToken.None);
        await restarted.DeleteNetworkAsync(network, CancellationToken.None);

        Assert.That(Host.GetLink("berth-r"), Is.Null);
    }

    private static bool SameJoin(Sdk.Network.JoinResponse a, Sdk.Network.JoinResponse b) =>
        a.InterfaceName == b.InterfaceName && a.Gateway == b.Gateway && a.GatewayIPv6 == b.GatewayIPv6 && a.DisableGatewayService == b.DisableGatewayService;
}
