using System.Net;
using Berth.Plugins.Tests.BridgeNet.Bridge.Support;
using Berth.Sdk;
using Berth.Sdk.Networking.Netlink;

namespace Berth.Plugins.Tests.BridgeNet.Bridge;

/// <summary>CreateNetwork inside a test namespace: the bridge, its address and MTU, idempotence and conflicts.</summary>
public class CreateNetworkTests : NamespaceFixture
{
    [Test]
    public async Task CreateNetwork_NewNetwork_BridgeUpWithGatewayAndMtu()
    {
        var id = NewId();

        await NewDriver().CreateNetworkAsync(NetworkRequest(id, generic: new Dictionary<string, string> { ["com.docker.network.driver.mtu"] = "1400" }), CancellationToken.None);

        var bridge = Host.GetLink("br-" + id[..12]);
        Assert.That(bridge, Is.Not.Null);
        Assert.That((bridge!.Kind, bridge.Mtu, bridge.IsUp), Is.EqualTo(("bridge", 1400, true)));
        Assert.That(Host.GetAddresses(bridge.Index), Does.Contain(new InterfaceAddress(IPAddress.Parse("10.77.0.1"), 24)));
    }

    [Test]
    public async Task CreateNetwork_BridgeNameOption_ThatName()
    {
        await NewDriver().CreateNetworkAsync(NetworkRequest(NewId(), generic: BridgeName("berth-test0")), CancellationToken.None);

        Assert.That(Host.GetLink("berth-test0")?.Kind, Is.EqualTo("bridge"));
    }

    [Test]
    public async Task CreateNetwork_SameIdTwice_NoOp()
    {
        var driver = NewDriver();
        var id = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(id), CancellationToken.None);
        var before = Host.GetLink("br-" + id[..12])!;
        var rulesBefore = await RulesMentioningAsync(before.Name);

        await driver.CreateNetworkAsync(NetworkRequest(id), CancellationToken.None);

        var after = Host.GetLink("br-" + id[..12])!;
        Assert.That(after.Index, Is.EqualTo(before.Index));
        Assert.That(Host.GetAddresses(after.Index).Count(a => a.Address.Equals(IPAddress.Parse("10.77.0.1"))), Is.EqualTo(1));
        Assert.That(await RulesMentioningAsync(before.Name), Is.EqualTo(rulesBefore));
    }

    [Test]
    public async Task CreateNetwork_OtherIdSameBridgeName_Conflict()
    {
        var driver = NewDriver();
        var first = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(first, generic: BridgeName("berth-dup")), CancellationToken.None);

        var ex = await Wait.ThrowsAsync<BerthException>(() =>
            driver.CreateNetworkAsync(NetworkRequest(NewId(), subnet: "10.78.0.0/24", gateway: "10.78.0.1/24", generic: BridgeName("berth-dup")), CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Conflict));
        Assert.That(ex.Message, Does.Contain("berth-dup").And.Contain(first[..12]));
    }

    [Test]
    public async Task CreateNetwork_SameIdOtherSubnet_Conflict()
    {
        var driver = NewDriver();
        var id = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(id), CancellationToken.None);

        var ex = await Wait.ThrowsAsync<BerthException>(() =>
            driver.CreateNetworkAsync(NetworkRequest(id, subnet: "10.78.0.0/24", gateway: "10.78.0.1/24"), CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Conflict));
    }

    [Test]
    public async Task CreateNetwork_NameTakenByVeth_ConflictAndVethKept()
    {
        Host.CreateVethPair("berth-taken", "berth-takenp");

        var ex = await Wait.ThrowsAsync<BerthException>(() => NewDriver().CreateNetworkAsync(NetworkRequest(NewId(), generic: BridgeName("berth-taken")), CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Conflict));
        Assert.That(Host.GetLink("berth-taken")?.Kind, Is.EqualTo("veth"));
    }

    [Test]
    public async Task CreateNetwork_ExistingBridge_AdoptedAndKeptOnDelete()
    {
        var index = Host.CreateBridge("berth-own");
        var driver = NewDriver();
        var id = NewId();

        await driver.CreateNetworkAsync(NetworkRequest(id, generic: BridgeName("berth-own")), CancellationToken.None);
        await driver.DeleteNetworkAsync(id, CancellationToken.None);

        var bridge = Host.GetLink("berth-own");
        Assert.That(bridge?.Index, Is.EqualTo(index));
        Assert.That(await RulesMentioningAsync("berth-own"), Is.Empty);
    }

    [Test]
    public async Task CreateNetwork_FirewallFails_BridgeRemovedAndNetworkUnknown()
    {
        var iptables = new FailingIptables(HostIptables, "BERTH-FORWARD -i berth-fail ! -o");
        var driver = NewDriver(iptables);
        var id = NewId();

        var ex = await Wait.ThrowsAsync<BerthException>(() => driver.CreateNetworkAsync(NetworkRequest(id, generic: BridgeName("berth-fail")), CancellationToken.None));

        Assert.That(ex.Message, Does.Contain("simulated"));
        Assert.That(Host.GetLink("berth-fail"), Is.Null);
        Assert.That(await RulesMentioningAsync("berth-fail"), Is.Empty);
        var join = await Wait.ThrowsAsync<BerthException>(() => driver.CreateEndpointAsync(EndpointRequest(id, NewId()), CancellationToken.None));
        Assert.That(join.Kind, Is.EqualTo(BerthErrorKind.NotFound));
    }
}
