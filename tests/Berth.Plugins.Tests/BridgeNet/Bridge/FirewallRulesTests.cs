using Berth.Plugins.BridgeNet.Bridge;

namespace Berth.Plugins.Tests.BridgeNet.Bridge;

public class FirewallRulesTests
{
    private static readonly BridgeNetwork Network = new("n1", "br-one", "10.1.0.0/24", "10.1.0.1/24", null, null, 1500,
        EnableIcc: true, EnableMasquerade: true, Internal: false, EnableIPv6: false, DefaultBridge: false, HostBindingIPv4: null,
        ContainerInterfacePrefix: "eth", CreatedBridge: true);

    [Test]
    public void For_DefaultNetworkAlone_MasqueradeAndForwarding()
    {
        Assert.That(Lines(FirewallRules.For(Network, [])), Is.EqualTo(new[]
        {
            "-t nat -A POSTROUTING -s 10.1.0.0/24 ! -o br-one -j MASQUERADE",
            "-t filter -A BERTH-FORWARD -o br-one -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            "-t filter -A BERTH-FORWARD -i br-one -o br-one -j ACCEPT",
            "-t filter -A BERTH-FORWARD -i br-one ! -o br-one -j ACCEPT",
        }));
    }

    [Test]
    public void For_IccOffAndNoMasquerade_DropsBetweenContainersWithoutNat()
    {
        var rules = Lines(FirewallRules.For(Network with { EnableIcc = false, EnableMasquerade = false }, []));

        Assert.That(rules, Does.Contain("-t filter -A BERTH-FORWARD -i br-one -o br-one -j DROP"));
        Assert.That(rules, Has.None.Contains("MASQUERADE"));
    }

    [Test]
    public void For_Internal_OnlyInsideTrafficAndDropsTheRest()
    {
        Assert.That(Lines(FirewallRules.For(Network with { Internal = true }, [])), Is.EqualTo(new[]
        {
            "-t filter -A BERTH-FORWARD -i br-one -o br-one -j ACCEPT",
            "-t filter -A BERTH-ISOLATION -i br-one ! -o br-one -j DROP",
            "-t filter -A BERTH-ISOLATION ! -i br-one -o br-one -j DROP",
        }));
    }

    [Test]
    public void For_OtherNetworks_IsolatedBothWays()
    {
        var others = new[] { Network with { Id = "n2", BridgeName = "br-two" }, Network with { Id = "n3", BridgeName = "berth0" } };

        var isolation = Lines(FirewallRules.For(Network, others)).Where(l => l.Contains("BERTH-ISOLATION", StringComparison.Ordinal));

        Assert.That(isolation, Is.EqualTo(new[]
        {
            "-t filter -A BERTH-ISOLATION -i br-one -o berth0 -j DROP",
            "-t filter -A BERTH-ISOLATION -i berth0 -o br-one -j DROP",
            "-t filter -A BERTH-ISOLATION -i br-one -o br-two -j DROP",
            "-t filter -A BERTH-ISOLATION -i br-two -o br-one -j DROP",
        }));
    }

    [Test]
    public void For_NoSubnet_NoMasquerade() =>
        Assert.That(Lines(FirewallRules.For(Network with { Subnet = null, Gateway = null }, [])), Has.None.Contains("MASQUERADE"));

    [Test]
    public void Arguments_Check_TableCommandChainSpecification() =>
        Assert.That(new FirewallRule("nat", "POSTROUTING", "-s 10.1.0.0/24 -j MASQUERADE").Arguments("-C"),
            Is.EqualTo(new[] { "-t", "nat", "-C", "POSTROUTING", "-s", "10.1.0.0/24", "-j", "MASQUERADE" }));

    private static List<string> Lines(IEnumerable<FirewallRule> rules) => rules.Select(r => r.ToString()).ToList();
}
