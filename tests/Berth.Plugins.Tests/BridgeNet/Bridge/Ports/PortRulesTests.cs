using Berth.Plugins.BridgeNet.Bridge;
using Berth.Plugins.BridgeNet.Bridge.Ports;

namespace Berth.Plugins.Tests.BridgeNet.Bridge.Ports;

public class PortRulesTests
{
    private static readonly BridgeNetwork Network = new("n1", "br-one", "10.1.0.0/24", "10.1.0.1/24", null, null, 1500,
        EnableIcc: true, EnableMasquerade: true, Internal: false, EnableIPv6: false, DefaultBridge: false, HostBindingIPv4: null,
        ContainerInterfacePrefix: "eth", CreatedBridge: true);

    [Test]
    public void For_TcpOnEveryAddress_DnatHairpinMasqueradeAndForward()
    {
        var rules = PortRules.For(Network, [new PublishedPort("tcp", "0.0.0.0", 8080, "10.1.0.2", 80)]);

        Assert.That(rules.Select(r => r.ToString()), Is.EqualTo(new[]
        {
            "-t nat -A BERTH -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.1.0.2:80",
            "-t nat -A POSTROUTING -s 10.1.0.0/24 -d 10.1.0.2/32 -o br-one -p tcp -m tcp --dport 80 -j MASQUERADE",
            "-t filter -A BERTH-FORWARD -d 10.1.0.2/32 ! -i br-one -o br-one -p tcp -m tcp --dport 80 -j ACCEPT",
        }));
    }

    [Test]
    public void For_UdpOnLoopback_DestinationAndRawDropFromOtherInterfaces()
    {
        var rules = PortRules.For(Network, [new PublishedPort("udp", "127.0.0.1", 5353, "10.1.0.2", 53)]);

        Assert.That(rules.Select(r => r.ToString()), Is.EqualTo(new[]
        {
            "-t nat -A BERTH -d 127.0.0.1/32 -p udp -m udp --dport 5353 -j DNAT --to-destination 10.1.0.2:53",
            "-t nat -A POSTROUTING -s 10.1.0.0/24 -d 10.1.0.2/32 -o br-one -p udp -m udp --dport 53 -j MASQUERADE",
            "-t filter -A BERTH-FORWARD -d 10.1.0.2/32 ! -i br-one -o br-one -p udp -m udp --dport 53 -j ACCEPT",
            "-t raw -A PREROUTING -d 127.0.0.1/32 ! -i lo -p udp -m udp --dport 5353 -j DROP",
        }));
    }

    [Test]
    public void For_SctpOnOneAddress_SctpMatches()
    {
        var rules = PortRules.For(Network, [new PublishedPort("sctp", "192.0.2.7", 9000, "10.1.0.2", 9)]);

        Assert.That(rules[0].ToString(), Is.EqualTo("-t nat -A BERTH -d 192.0.2.7/32 -p sctp -m sctp --dport 9000 -j DNAT --to-destination 10.1.0.2:9"));
        Assert.That(rules, Has.Count.EqualTo(3));
    }

    [Test]
    public void For_SameContainerPortTwice_SharedRulesOnce()
    {
        var rules = PortRules.For(Network,
        [
            new PublishedPort("tcp", "0.0.0.0", 8080, "10.1.0.2", 80),
            new PublishedPort("tcp", "0.0.0.0", 8081, "10.1.0.2", 80),
        ]);

        Assert.That(rules, Has.Count.EqualTo(4));
        Assert.That(rules, Is.Unique);
    }

    [Test]
    public void ForBridge_Network_LocalSourceMasquerade() =>
        Assert.That(PortRules.ForBridge(Network).Select(r => r.ToString()),
            Is.EqualTo(new[] { "-t nat -A POSTROUTING -o br-one -m addrtype --src-type LOCAL -j MASQUERADE" }));

    [Test]
    public void Global_Always_JumpsForLocalDestinationsAndIsolationReturn()
    {
        Assert.That(PortRules.Global.Select(r => r.ToString()), Is.EqualTo(new[]
        {
            "-t nat -A PREROUTING -m addrtype --dst-type LOCAL -j BERTH",
            "-t nat -A OUTPUT -m addrtype --dst-type LOCAL -j BERTH",
        }));
        Assert.That(PortRules.IsolationReturn.ToString(), Is.EqualTo("-t filter -A BERTH-ISOLATION -m conntrack --ctstate DNAT -j RETURN"));
    }
}
