using Berth.Plugins.BridgeNet.Bridge;
using Berth.Plugins.Tests.BridgeNet.Bridge.Support;
using Berth.Sdk;

namespace Berth.Plugins.Tests.BridgeNet.Bridge;

/// <summary>
/// <see cref="Firewall.ApplyAsync"/>: one iptables-save and one iptables-restore per change, and the fallbacks to one
/// iptables per rule (no iptables-save or iptables-restore, a failing or unreadable save, a failing restore).
/// </summary>
public class FirewallBatchTests
{
    private static readonly FirewallRule[] Rules =
    [
        new("filter", "BERTH-FORWARD", "-i br-one -o br-one -j ACCEPT"),
        new("nat", "POSTROUTING", "-s 10.1.0.0/24 ! -o br-one -j MASQUERADE"),
    ];

    [Test]
    public async Task Apply_Batch_OneSaveAndOneRestore()
    {
        var iptables = new FakeIptables();

        await new Firewall(iptables).ApplyAsync(AddAsync, CancellationToken.None);

        Assert.That(iptables.Launches, Is.EqualTo(new[] { "iptables-save", "iptables-restore" }));
        Assert.That(iptables.Rules("filter", "FORWARD"), Is.EqualTo(new[] { "-j BERTH-ISOLATION", "-j BERTH-FORWARD" }));
        Assert.That(iptables.Rules("filter", "BERTH-FORWARD"), Is.EqualTo(new[] { Rules[0].Text }));
        Assert.That(iptables.Rules("nat", "POSTROUTING"), Is.EqualTo(new[] { Rules[1].Text }));
    }

    [Test]
    public async Task Apply_EverythingThere_SaveOnly()
    {
        var iptables = new FakeIptables();
        var firewall = new Firewall(iptables);
        await firewall.ApplyAsync(AddAsync, CancellationToken.None);
        iptables.Launches.Clear();

        await firewall.ApplyAsync(AddAsync, CancellationToken.None);

        Assert.That(iptables.Launches, Is.EqualTo(new[] { "iptables-save" }));
    }

    [Test]
    public async Task Apply_NoSaveOrRestoreInstalled_RuleByRuleAndSaidOnce()
    {
        var iptables = new FakeIptables { Batch = false };
        using var log = new StringWriter();
        var firewall = new Firewall(iptables, log);

        await firewall.ApplyAsync(AddAsync, CancellationToken.None);
        await firewall.RemoveAsync(Rules, CancellationToken.None);

        Assert.That(iptables.Launches, Has.All.StartsWith("iptables -t "));
        Assert.That(iptables.Rules("filter", "FORWARD"), Is.EqualTo(new[] { "-j BERTH-ISOLATION", "-j BERTH-FORWARD" }));
        Assert.That(iptables.Rules("filter", "BERTH-FORWARD").Concat(iptables.Rules("nat", "POSTROUTING")), Is.Empty);
        Assert.That(Lines(log), Is.EqualTo(new[] { "bridge: iptables-save or iptables-restore is not installed: the firewall is changed with one iptables run per rule" }));
    }

    [Test]
    public async Task Apply_SaveFails_RuleByRule()
    {
        var iptables = new FakeIptables { SaveFailure = "iptables-save v1.8.9 (nf_tables): table `nat' is incompatible, use 'nft' tool." };
        using var log = new StringWriter();

        await new Firewall(iptables, log).ApplyAsync(AddAsync, CancellationToken.None);

        Assert.That(iptables.Launches.Skip(1), Has.All.StartsWith("iptables -t "));
        Assert.That(iptables.Rules("nat", "POSTROUTING"), Is.EqualTo(new[] { Rules[1].Text }));
        Assert.That(log.ToString(), Does.Contain("iptables-save failed (exit 1): iptables-save v1.8.9 (nf_tables): table `nat' is incompatible"));
    }

    [Test]
    public async Task Apply_SaveNotUnderstood_RuleByRule()
    {
        var iptables = new FakeIptables { SaveOutput = "*filter\nwhat is this\nCOMMIT\n" };

        await new Firewall(iptables).ApplyAsync(AddAsync, CancellationToken.None);

        Assert.That(iptables.Launches, Does.Not.Contain("iptables-restore"));
        Assert.That(iptables.Rules("filter", "BERTH-FORWARD"), Is.EqualTo(new[] { Rules[0].Text }));
    }

    [Test]
    public async Task Remove_RuleDeletedByAnotherProgramAfterTheSave_RestoreFailsAndRuleByRuleFinishes()
    {
        var iptables = new FakeIptables();
        using var log = new StringWriter();
        var firewall = new Firewall(iptables, log);
        await firewall.ApplyAsync(AddAsync, CancellationToken.None);
        iptables.BeforeNextRestore = fake => fake.Run([.. Rules[1].Arguments("-D")]);

        await firewall.RemoveAsync(Rules, CancellationToken.None);

        Assert.That(iptables.Rules("filter", "BERTH-FORWARD").Concat(iptables.Rules("nat", "POSTROUTING")), Is.Empty);
        Assert.That(Lines(log).Single(), Does.StartWith("bridge: iptables-restore --noflush --wait failed (exit 1): iptables-restore: line 5 failed")
            .And.Contain("[-D POSTROUTING -s 10.1.0.0/24 ! -o br-one -j MASQUERADE]").And.EndWith("; applying the rules one at a time"));
    }

    [Test]
    public async Task Apply_RuleRefusedInTheSecondTable_FirstTableCommittedAndIptablesMessageThrown()
    {
        var iptables = new FakeIptables { FailOn = "-A POSTROUTING" };
        var firewall = new Firewall(iptables);

        var ex = await Wait.ThrowsAsync<BerthException>(() => firewall.ApplyAsync(AddAsync, CancellationToken.None));

        Assert.That(ex.Message, Is.EqualTo("bridge: iptables -t nat -A POSTROUTING -s 10.1.0.0/24 ! -o br-one -j MASQUERADE failed (exit 4): simulated failure"));
        Assert.That(iptables.Launches.Take(2), Is.EqualTo(new[] { "iptables-save", "iptables-restore" }));
        Assert.That(iptables.Rules("filter", "BERTH-FORWARD"), Is.EqualTo(new[] { Rules[0].Text }), "committed by the restore, found there by the second pass");
        Assert.That(iptables.Calls.Count(c => c == "-t filter -A BERTH-FORWARD -i br-one -o br-one -j ACCEPT"), Is.EqualTo(1));
    }

    private static async Task AddAsync(FirewallTransaction rules)
    {
        await rules.EnsureChainsAsync();
        await rules.AddAsync(Rules);
    }

    private static string[] Lines(StringWriter log) => log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
