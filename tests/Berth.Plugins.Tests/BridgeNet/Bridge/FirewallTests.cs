using Berth.Plugins.BridgeNet.Bridge;
using Berth.Plugins.Tests.BridgeNet.Bridge.Support;
using Berth.Sdk;

namespace Berth.Plugins.Tests.BridgeNet.Bridge;

/// <summary>The firewall's steps on an iptables in memory, with iptables-save/iptables-restore (batch) and without (one iptables per rule).</summary>
[TestFixture(true)]
[TestFixture(false)]
public class FirewallTests(bool batch)
{
    private static readonly FirewallRule Rule = new("filter", "BERTH-FORWARD", "-i br-one -o br-one -j ACCEPT");

    [Test]
    public async Task EnsureChains_Fresh_ChainsAndJumpsIsolationFirst()
    {
        var iptables = new FakeIptables { Batch = batch };

        await new Firewall(iptables).EnsureChainsAsync(CancellationToken.None);

        Assert.That(iptables.HasChain("filter", "BERTH-ISOLATION") && iptables.HasChain("filter", "BERTH-FORWARD"), Is.True);
        Assert.That(iptables.Rules("filter", "FORWARD"), Is.EqualTo(new[] { "-j BERTH-ISOLATION", "-j BERTH-FORWARD" }));
    }

    [Test]
    public async Task EnsureChains_Twice_NothingDuplicated()
    {
        var iptables = new FakeIptables { Batch = batch };
        var firewall = new Firewall(iptables);

        await firewall.EnsureChainsAsync(CancellationToken.None);
        await firewall.EnsureChainsAsync(CancellationToken.None);

        Assert.That(iptables.Rules("filter", "FORWARD"), Is.EqualTo(new[] { "-j BERTH-ISOLATION", "-j BERTH-FORWARD" }));
        Assert.That(iptables.Calls.Count(c => c.Contains(" -N ", StringComparison.Ordinal)), Is.EqualTo(2));
    }

    [Test]
    public async Task EnsureChains_OnlyIsolationJumpLeft_BothPutBackInOrder()
    {
        var iptables = new FakeIptables { Batch = batch };
        var firewall = new Firewall(iptables);
        await firewall.EnsureChainsAsync(CancellationToken.None);
        await iptables.RunAsync(["-t", "filter", "-D", "FORWARD", "-j", "BERTH-FORWARD"], CancellationToken.None);
        await iptables.RunAsync(["-t", "filter", "-A", "FORWARD", "-j", "ACCEPT"], CancellationToken.None);

        await firewall.EnsureChainsAsync(CancellationToken.None);

        Assert.That(iptables.Rules("filter", "FORWARD"), Is.EqualTo(new[] { "-j BERTH-ISOLATION", "-j BERTH-FORWARD", "-j ACCEPT" }));
    }

    [Test]
    public async Task Add_RuleAlreadyThere_CheckedNotAppended()
    {
        var iptables = new FakeIptables { Batch = batch };
        var firewall = new Firewall(iptables);
        await firewall.EnsureChainsAsync(CancellationToken.None);

        await firewall.AddAsync([Rule], CancellationToken.None);
        await firewall.AddAsync([Rule], CancellationToken.None);

        Assert.That(iptables.Rules("filter", "BERTH-FORWARD"), Is.EqualTo(new[] { "-i br-one -o br-one -j ACCEPT" }));
        Assert.That(iptables.Calls.Count(c => c.Contains(" -A ", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task Remove_RuleThereTwice_BothCopiesGone()
    {
        var iptables = new FakeIptables { Batch = batch };
        var firewall = new Firewall(iptables);
        await firewall.EnsureChainsAsync(CancellationToken.None);
        await iptables.RunAsync(Rule.Arguments("-A"), CancellationToken.None);
        await iptables.RunAsync(Rule.Arguments("-A"), CancellationToken.None);

        await firewall.RemoveAsync([Rule], CancellationToken.None);

        Assert.That(iptables.Rules("filter", "BERTH-FORWARD"), Is.Empty);
    }

    [Test]
    public async Task Remove_RuleMissing_NoError()
    {
        var iptables = new FakeIptables { Batch = batch };
        var firewall = new Firewall(iptables);
        await firewall.EnsureChainsAsync(CancellationToken.None);

        await firewall.RemoveAsync([Rule], CancellationToken.None);

        Assert.That(iptables.Calls.Any(c => c.Contains(" -D ", StringComparison.Ordinal)), Is.False);
    }

    [Test]
    public async Task Add_IptablesFails_SystemErrorWithCommandAndMessage()
    {
        var iptables = new FakeIptables { Batch = batch };
        var firewall = new Firewall(iptables);
        await firewall.EnsureChainsAsync(CancellationToken.None);
        iptables.FailOn = "-A BERTH-FORWARD";

        var ex = await Wait.ThrowsAsync<BerthException>(() => firewall.AddAsync([Rule], CancellationToken.None));

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.System));
        Assert.That(ex.Message, Does.Contain("-A BERTH-FORWARD -i br-one -o br-one -j ACCEPT").And.Contain("exit 4").And.Contain("simulated failure"));
    }
}
