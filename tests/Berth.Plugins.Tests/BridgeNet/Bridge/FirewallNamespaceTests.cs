using Berth.Plugins.Tests.BridgeNet.Bridge.Support;

namespace Berth.Plugins.Tests.BridgeNet.Bridge;

/// <summary>The rules as <c>iptables -S</c> lists them inside the test namespace, and IPv4 forwarding.</summary>
public class FirewallNamespaceTests : NamespaceFixture
{
    [Test]
    public async Task CreateNetwork_Default_ChainsJumpsAndNetworkRules()
    {
        await NewDriver().CreateNetworkAsync(NetworkRequest(NewId(), generic: BridgeName("berth-a")), CancellationToken.None);

        var filter = await RulesAsync();
        Assert.That(filter, Is.SupersetOf(new[]
        {
            "-N BERTH-FORWARD",
            "-N BERTH-ISOLATION",
            "-A BERTH-FORWARD -o berth-a -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            "-A BERTH-FORWARD -i berth-a -o berth-a -j ACCEPT",
            "-A BERTH-FORWARD -i berth-a ! -o berth-a -j ACCEPT",
        }));
        Assert.That(filter.Where(l => l.StartsWith("-A FORWARD", StringComparison.Ordinal)), Is.EqualTo(new[] { "-A FORWARD -j BERTH-ISOLATION", "-A FORWARD -j BERTH-FORWARD" }));
        Assert.That(await RulesAsync("nat"), Does.Contain("-A POSTROUTING -s 10.77.0.0/24 ! -o berth-a -j MASQUERADE"));
    }

    [Test]
    public async Task DeleteNetwork_Default_RulesAndBridgeGone()
    {
        var driver = NewDriver();
        var id = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(id, generic: BridgeName("berth-a")), CancellationToken.None);

        await driver.DeleteNetworkAsync(id, CancellationToken.None);

        Assert.That(await RulesMentioningAsync("berth-a"), Is.Empty);
        Assert.That(Host.GetLink("berth-a"), Is.Null);
    }

    [Test]
    public async Task DeleteNetwork_Twice_SecondIsNoOp()
    {
        var driver = NewDriver();
        var id = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(id), CancellationToken.None);

        await driver.DeleteNetworkAsync(id, CancellationToken.None);
        await driver.DeleteNetworkAsync(id, CancellationToken.None);

        Assert.That(Host.GetLink("br-" + id[..12]), Is.Null);
    }

    [Test]
    public async Task CreateNetwork_TwoNetworks_IsolatedBothWaysUntilOneIsDeleted()
    {
        var driver = NewDriver();
        var first = NewId();
        await driver.CreateNetworkAsync(NetworkRequest(first, generic: BridgeName("berth-a")), CancellationToken.None);
        await driver.CreateNetworkAsync(NetworkRequest(NewId(), subnet: "10.78.0.0/24", gateway: "10.78.0.1/24", generic: BridgeName("berth-b")), CancellationToken.None);

        Assert.That(await RulesAsync(), Is.SupersetOf(new[]
        {
            "-A BERTH-ISOLATION -i berth-b -o berth-a -j DROP",
            "-A BERTH-ISOLATION -i berth-a -o berth-b -j DROP",
        }));

        await driver.DeleteNetworkAsync(first, CancellationToken.None);

        Assert.That(await RulesMentioningAsync("berth-a"), Is.Empty);
        Assert.That(await RulesMentioningAsync("berth-b"), Is.EquivalentTo(new[]
        {
            "-A BERTH-FORWARD -o berth-b -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            "-A BERTH-FORWARD -i berth-b -o berth-b -j ACCEPT",
            "-A BERTH-FORWARD -i berth-b ! -o berth-b -j ACCEPT",
            "-A POSTROUTING -s 10.78.0.0/24 ! -o berth-b -j MASQUERADE",
        }));
    }

    [Test]
    public async Task CreateNetwork_Internal_NoMasqueradeAndOutsideTrafficDropped()
    {
        await NewDriver().CreateNetworkAsync(NetworkRequest(NewId(), generic: BridgeName("berth-i"), isInternal: true), CancellationToken.None);

        Assert.That(await RulesMentioningAsync("berth-i"), Is.EquivalentTo(new[]
        {
            "-A BERTH-FORWARD -i berth-i -o berth-i -j ACCEPT",
            "-A BERTH-ISOLATION -i berth-i ! -o berth-i -j DROP",
            "-A BERTH-ISOLATION ! -i berth-i -o berth-i -j DROP",
        }));
    }

    [Test]
    public async Task CreateNetwork_IccOff_DropsBetweenContainers()
    {
        var generic = new Dictionary<string, string> { ["com.docker.network.bridge.name"] = "berth-c", ["com.docker.network.bridge.enable_icc"] = "false" };

        await NewDriver().CreateNetworkAsync(NetworkRequest(NewId(), generic: generic), CancellationToken.None);

        Assert.That(await RulesAsync(), Does.Contain("-A BERTH-FORWARD -i berth-c -o berth-c -j DROP"));
    }

    [Test]
    public async Task CreateNetwork_ForwardingOff_TurnedOnAndForwardPolicyDrop()
    {
        var sysctl = new NamespaceSysctl(HostNamespace);
        sysctl.Write("net.ipv4.ip_forward", "0");

        await NewDriver().CreateNetworkAsync(NetworkRequest(NewId()), CancellationToken.None);

        Assert.That(sysctl.Read("net.ipv4.ip_forward"), Is.EqualTo("1"));
        Assert.That(await RulesAsync(), Does.Contain("-P FORWARD DROP"));
    }

    [Test]
    public async Task CreateNetwork_ForwardingAlreadyOn_PolicyUntouched()
    {
        var sysctl = new NamespaceSysctl(HostNamespace);
        sysctl.Write("net.ipv4.ip_forward", "1");

        await NewDriver().CreateNetworkAsync(NetworkRequest(NewId()), CancellationToken.None);

        Assert.That(await RulesAsync(), Does.Contain("-P FORWARD ACCEPT"));
    }

    [Test]
    public async Task CreateNetwork_InternalWithForwardingOff_ForwardingStaysOff()
    {
        var sysctl = new NamespaceSysctl(HostNamespace);
        sysctl.Write("net.ipv4.ip_forward", "0");

        await NewDriver().CreateNetworkAsync(NetworkRequest(NewId(), isInternal: true), CancellationToken.None);

        Assert.That(sysctl.Read("net.ipv4.ip_forward"), Is.EqualTo("0"));
    }
}
