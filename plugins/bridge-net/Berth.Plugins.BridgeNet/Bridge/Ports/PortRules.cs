using System.Net;

namespace Berth.Plugins.BridgeNet.Bridge.Ports;

/// <summary>
/// The iptables rules of published ports, after Moby's with its userland proxy off, in Berth's chains.
/// <list type="bullet">
/// <item>Once for the driver (<see cref="Global"/>): the nat chain <see cref="NatChain"/>, jumped to from nat PREROUTING and
/// OUTPUT for packets to a local address (<c>-m addrtype --dst-type LOCAL</c>, no 127.0.0.0/8 exclusion: without a
/// proxy, DNAT serves the host's own connections too), and first in BERTH-ISOLATION <c>-m conntrack --ctstate DNAT -j RETURN</c>,
/// so containers of other networks reach a published port through a host address (only these DNAT rules send
/// translated traffic to the driver's bridges).</item>
/// <item>Once per bridge with published ports (<see cref="ForBridge"/>): nat POSTROUTING <c>-o BR -m addrtype --src-type LOCAL -j MASQUERADE</c>,
/// so a connection from the host to 127.0.0.1:PORT or a host address leaves with the bridge's address.</item>
/// <item>Per published port (<see cref="For"/>): nat BERTH <c>[-d HOSTIP/32] -p P -m P --dport HOSTPORT -j DNAT --to-destination CIP:CPORT</c>
/// (without <c>! -i BR</c>, so containers on the bridge reach it too); nat POSTROUTING <c>-s SUBNET -d CIP/32 -o BR -p P -m P --dport CPORT -j MASQUERADE</c>
/// (hairpin: a container on the same bridge, the target itself included, gets the answer through the host);
/// filter BERTH-FORWARD <c>-d CIP/32 ! -i BR -o BR -p P -m P --dport CPORT -j ACCEPT</c>; and for a loopback host
/// address, raw PREROUTING <c>-d HOSTIP/32 ! -i lo -p P -m P --dport HOSTPORT -j DROP</c>, so route_localnet does not
/// open it to other hosts.</item>
/// </list>
/// </summary>
internal static class PortRules
{
    public const string NatChain = "BERTH";
    public const string Raw = "raw";

    /// <summary>The chains the rules use that the driver makes: nat BERTH.</summary>
    public static IReadOnlyList<(string Table, string Chain)> Chains { get; } = [(FirewallRule.Nat, NatChain)];

    /// <summary>The jumps to <see cref="NatChain"/>, appended once.</summary>
    public static IReadOnlyList<FirewallRule> Global { get; } =
    [
        new(FirewallRule.Nat, "PREROUTING", $"-m addrtype --dst-type LOCAL -j {NatChain}"),
        new(FirewallRule.Nat, "OUTPUT", $"-m addrtype --dst-type LOCAL -j {NatChain}"),
    ];

    /// <summary>The rule that must come first in BERTH-ISOLATION (it is inserted there, not appended).</summary>
    public static FirewallRule IsolationReturn { get; } = new(FirewallRule.Filter, FirewallRules.IsolationChain, "-m conntrack --ctstate DNAT -j RETURN");

    /// <summary>What a bridge needs while any of its endpoints has published ports.</summary>
    public static IReadOnlyList<FirewallRule> ForBridge(BridgeNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return [new FirewallRule(FirewallRule.Nat, "POSTROUTING", $"-o {network.BridgeName} -m addrtype --src-type LOCAL -j MASQUERADE")];
    }

    /// <summary>The rules of <paramref name="ports"/> on <paramref name="network"/>, each once.</summary>
    public static IReadOnlyList<FirewallRule> For(BridgeNetwork network, IEnumerable<PublishedPort> ports)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(ports);
        var bridge = network.BridgeName;
        var rules = new List<FirewallRule>();
        foreach (var port in ports)
        {
            var proto = $"-p {port.Proto} -m {port.Proto}";
            var destination = port.AnyHostAddress ? "" : $"-d {port.HostIP}/32 ";
            rules.Add(new FirewallRule(FirewallRule.Nat, NatChain,
                $"{destination}{proto} --dport {port.HostPort} -j DNAT --to-destination {port.ContainerIP}:{port.ContainerPort}"));
            if (network.Subnet is { } subnet)
            {
                rules.Add(new FirewallRule(FirewallRule.Nat, "POSTROUTING",
                    $"-s {subnet} -d {port.ContainerIP}/32 -o {bridge} {proto} --dport {port.ContainerPort} -j MASQUERADE"));
            }
            rules.Add(new FirewallRule(FirewallRule.Filter, FirewallRules.ForwardChain,
                $"-d {port.ContainerIP}/32 ! -i {bridge} -o {bridge} {proto} --dport {port.ContainerPort} -j ACCEPT"));
            if (IPAddress.Parse(port.HostIP) is var host && IPAddress.IsLoopback(host))
                rules.Add(new FirewallRule(Raw, "PREROUTING", $"-d {port.HostIP}/32 ! -i lo {proto} --dport {port.HostPort} -j DROP"));
        }
        return [.. rules.Distinct()];
    }
}
