using Berth.Plugins.BridgeNet.Bridge;
using Berth.Plugins.BridgeNet.Bridge.Ports;

namespace Berth.Plugins.Tests.BridgeNet.Bridge;

/// <summary>What a batch decides against an iptables-save output, and the iptables-restore input it writes.</summary>
public class RestoreTransactionTests
{
    private static readonly BridgeNetwork Network = new("n1", "br-one", "10.1.0.0/24", "10.1.0.1/24", null, null, 1500,
        EnableIcc: true, EnableMasquerade: true, Internal: false, EnableIPv6: false, DefaultBridge: false, HostBindingIPv4: null,
        ContainerInterfacePrefix: "eth", CreatedBridge: true);

    private static readonly PublishedPort Port = new("tcp", "127.0.0.1", 8080, "10.1.0.2", 80);

    [Test]
    public async Task Publish_NothingThere_ChainsJumpsAndRulesPerTableInOrder()
    {
        var batch = new RestoreTransaction(IptablesSnapshot.Parse(""));

        await PublishAsync(batch);

        Assert.That(batch.Input, Is.EqualTo("""
            *filter
            -N BERTH-ISOLATION
            -N BERTH-FORWARD
            -I FORWARD 1 -j BERTH-FORWARD
            -I FORWARD 1 -j BERTH-ISOLATION
            -I BERTH-ISOLATION 1 -m conntrack --ctstate DNAT -j RETURN
            -A BERTH-FORWARD -d 10.1.0.2/32 ! -i br-one -o br-one -p tcp -m tcp --dport 80 -j ACCEPT
            COMMIT
            *nat
            -N BERTH
            -A PREROUTING -m addrtype --dst-type LOCAL -j BERTH
            -A OUTPUT -m addrtype --dst-type LOCAL -j BERTH
            -A POSTROUTING -o br-one -m addrtype --src-type LOCAL -j MASQUERADE
            -A BERTH -d 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.1.0.2:80
            -A POSTROUTING -s 10.1.0.0/24 -d 10.1.0.2/32 -o br-one -p tcp -m tcp --dport 80 -j MASQUERADE
            COMMIT
            *raw
            -A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 8080 -j DROP
            COMMIT

            """));
    }

    [Test]
    public async Task Publish_EverythingThere_NothingToRestore()
    {
        var first = new RestoreTransaction(IptablesSnapshot.Parse(""));
        await PublishAsync(first);
        var fake = new Support.FakeIptables();
        Assert.That((await fake.RestoreAsync(first.Input, CancellationToken.None)).ExitCode, Is.Zero);

        var again = new RestoreTransaction(IptablesSnapshot.Parse(fake.Saved()));
        await PublishAsync(again);

        Assert.That(again.IsEmpty, Is.True, again.Input);
    }

    [Test]
    public async Task Publish_GlobalRulesThereOnly_OnlyTheMissingOnesInTheOrderFirstTouched()
    {
        var batch = new RestoreTransaction(IptablesSnapshot.Parse("""
            *filter
            :FORWARD ACCEPT [0:0]
            :BERTH-FORWARD - [0:0]
            :BERTH-ISOLATION - [0:0]
            -A FORWARD -j BERTH-ISOLATION
            -A FORWARD -j BERTH-FORWARD
            -A BERTH-ISOLATION -m conntrack --ctstate DNAT -j RETURN
            -A BERTH-ISOLATION -i br-one -o br-two -j DROP
            COMMIT
            *nat
            :PREROUTING ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            :BERTH - [0:0]
            -A PREROUTING -m addrtype --dst-type LOCAL -j BERTH
            -A OUTPUT -m addrtype --dst-type LOCAL -j BERTH
            -A POSTROUTING -o br-one -m addrtype --src-type LOCAL -j MASQUERADE
            COMMIT
            """));

        await PublishAsync(batch);

        Assert.That(batch.Input.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "*nat",
            "-A BERTH -d 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.1.0.2:80",
            "-A POSTROUTING -s 10.1.0.0/24 -d 10.1.0.2/32 -o br-one -p tcp -m tcp --dport 80 -j MASQUERADE",
            "COMMIT",
            "*filter",
            "-A BERTH-FORWARD -d 10.1.0.2/32 ! -i br-one -o br-one -p tcp -m tcp --dport 80 -j ACCEPT",
            "COMMIT",
            "*raw",
            "-A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 8080 -j DROP",
            "COMMIT",
        }));
    }

    [Test]
    public async Task EnsureChains_OnlyIsolationJump_DeletedAndBothInsertedInOrder()
    {
        var batch = new RestoreTransaction(IptablesSnapshot.Parse("""
            *filter
            :FORWARD ACCEPT [0:0]
            :BERTH-FORWARD - [0:0]
            :BERTH-ISOLATION - [0:0]
            -A FORWARD -j ACCEPT
            -A FORWARD -j BERTH-ISOLATION
            COMMIT
            """));

        await batch.EnsureChainsAsync();

        Assert.That(batch.Input, Is.EqualTo("*filter\n-D FORWARD -j BERTH-ISOLATION\n-I FORWARD 1 -j BERTH-FORWARD\n-I FORWARD 1 -j BERTH-ISOLATION\nCOMMIT\n"));
    }

    [Test]
    public async Task Remove_RuleThereTwiceAndMissingRule_OneDeletePerCopy()
    {
        var rule = new FirewallRule("nat", "POSTROUTING", "-s 10.1.0.0/24 ! -o br-one -j MASQUERADE");
        var batch = new RestoreTransaction(IptablesSnapshot.Parse($"*nat\n-A POSTROUTING {rule.Text}\n-A POSTROUTING -j RETURN\n-A POSTROUTING {rule.Text}\nCOMMIT\n"));

        await batch.RemoveAsync([rule, new FirewallRule("nat", "POSTROUTING", "-s 10.2.0.0/24 ! -o br-two -j MASQUERADE")]);

        Assert.That(batch.Input, Is.EqualTo($"*nat\n-D POSTROUTING {rule.Text}\n-D POSTROUTING {rule.Text}\nCOMMIT\n"));
    }

    [Test]
    public async Task Unpublish_LastPort_RulesJumpsAndChainGoInOneRestore()
    {
        var fake = new Support.FakeIptables();
        var publish = new RestoreTransaction(IptablesSnapshot.Parse(fake.Saved()));
        await PublishAsync(publish);
        await fake.RestoreAsync(publish.Input, CancellationToken.None);
        var batch = new RestoreTransaction(IptablesSnapshot.Parse(fake.Saved()));

        await batch.RemoveAsync([.. PortRules.For(Network, [Port]), .. PortRules.ForBridge(Network)]);
        var empty = await batch.IsEmptyAsync("nat", PortRules.NatChain);
        await batch.RemoveAsync([PortRules.IsolationReturn, .. PortRules.Global]);
        var deleted = await batch.TryDeleteChainAsync("nat", PortRules.NatChain);

        Assert.That((empty, deleted), Is.EqualTo((true, true)));
        Assert.That(batch.Input.Split('\n').Where(l => l.StartsWith('-') || l.StartsWith('*')), Is.EqualTo(new[]
        {
            "*nat",
            "-D BERTH -d 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.1.0.2:80",
            "-D POSTROUTING -s 10.1.0.0/24 -d 10.1.0.2/32 -o br-one -p tcp -m tcp --dport 80 -j MASQUERADE",
            "-D POSTROUTING -o br-one -m addrtype --src-type LOCAL -j MASQUERADE",
            "-D PREROUTING -m addrtype --dst-type LOCAL -j BERTH",
            "-D OUTPUT -m addrtype --dst-type LOCAL -j BERTH",
            "-X BERTH",
            "*filter",
            "-D BERTH-FORWARD -d 10.1.0.2/32 ! -i br-one -o br-one -p tcp -m tcp --dport 80 -j ACCEPT",
            "-D BERTH-ISOLATION -m conntrack --ctstate DNAT -j RETURN",
            "*raw",
            "-D PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 8080 -j DROP",
        }));
        Assert.That((await fake.RestoreAsync(batch.Input, CancellationToken.None)).ExitCode, Is.Zero);
        Assert.That(fake.HasChain("nat", "BERTH"), Is.False);
    }

    [Test]
    public async Task TryDeleteChain_StillJumpedToOrNotEmpty_FalseAndNoCommand()
    {
        var batch = new RestoreTransaction(IptablesSnapshot.Parse("""
            *nat
            :PREROUTING ACCEPT [0:0]
            :BERTH - [0:0]
            :OTHER - [0:0]
            -A PREROUTING -j OTHER
            -A OTHER -g BERTH
            -A OTHER -j RETURN
            COMMIT
            """));

        Assert.That(await batch.TryDeleteChainAsync("nat", "BERTH"), Is.False, "another daemon's chain goes to it");
        Assert.That(await batch.TryDeleteChainAsync("nat", "OTHER"), Is.False, "it has rules");
        Assert.That(await batch.TryDeleteChainAsync("nat", "MISSING"), Is.True);
        Assert.That(await batch.TryDeleteChainAsync("nat", "PREROUTING"), Is.False, "built in");
        Assert.That(batch.IsEmpty, Is.True);
    }

    [Test]
    public async Task Line_FailureLineNumber_TheCommand()
    {
        var batch = new RestoreTransaction(IptablesSnapshot.Parse(""));
        await batch.AddAsync([new FirewallRule("nat", "POSTROUTING", "-j RETURN"), new FirewallRule("raw", "OUTPUT", "-j ACCEPT")]);

        Assert.That((batch.Line(2), batch.Line(5), batch.Line(99)), Is.EqualTo(("-A POSTROUTING -j RETURN", "-A OUTPUT -j ACCEPT", (string?)null)));
    }

    private static async Task PublishAsync(FirewallTransaction rules)
    {
        await rules.EnsureChainsAsync();
        foreach (var (table, chain) in PortRules.Chains) await rules.EnsureChainAsync(table, chain);
        await rules.AddAsync(PortRules.Global);
        await rules.InsertFirstAsync(PortRules.IsolationReturn);
        await rules.AddAsync(PortRules.ForBridge(Network));
        await rules.AddAsync(PortRules.For(Network, [Port]));
    }
}
