using Berth.Plugins.Swarmkit.Logs;
using Berth.Sdk.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Plugins.Tests.Swarmkit.Logs;

public class LogSubscriptionRegistryTests
{
    private static readonly ReadConfig Read = new(null, null, -1, Follow: false);

    private static LogSubscribeRequest Subscription(string id, params string[] nodes) =>
        new(id, "10.0.0.1:2377", Read, nodes.ToDictionary(n => n, n => (IReadOnlyList<LogTarget>)[new LogTarget("t-" + n, "s1", "c-" + n)]));

    [Test]
    public async Task WaitAsync_UnknownRevision_AnswersAtOnceWithOnlyTheNodesPart()
    {
        var registry = new LogSubscriptionRegistry(new FakeTimeProvider());
        registry.Subscribe(Subscription("sub1", "n1", "n2"));
        registry.Subscribe(Subscription("sub2", "n2"));

        var answer = await registry.WaitAsync(new LogSubscriptionsRequest("n1", -1, 20_000), CancellationToken.None);

        Assert.That(answer.Subscriptions, Has.Count.EqualTo(1));
        Assert.That(answer.Subscriptions[0].Id, Is.EqualTo("sub1"));
        Assert.That(answer.Subscriptions[0].Targets.Select(t => t.TaskId), Is.EqualTo(new[] { "t-n1" }));
        Assert.That(answer.Subscriptions[0].BrokerAddr, Is.EqualTo("10.0.0.1:2377"));
    }

    [Test]
    public async Task WaitAsync_SubscribedWhileWaiting_AnswersWithTheNewSubscription()
    {
        var registry = new LogSubscriptionRegistry(new FakeTimeProvider());
        var first = await registry.WaitAsync(new LogSubscriptionsRequest("n1", -1, 20_000), CancellationToken.None);

        var waiting = registry.WaitAsync(new LogSubscriptionsRequest("n1", first.Revision, 20_000), CancellationToken.None);
        Assert.That(waiting.IsCompleted, Is.False);
        registry.Subscribe(Subscription("sub1", "n1"));
        var answer = await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(answer.Subscriptions.Select(s => s.Id), Is.EqualTo(new[] { "sub1" }));
        Assert.That(answer.Revision, Is.Not.EqualTo(first.Revision));
    }

    [Test]
    public async Task WaitAsync_Unsubscribed_AnswersWithoutIt()
    {
        var registry = new LogSubscriptionRegistry(new FakeTimeProvider());
        registry.Subscribe(Subscription("sub1", "n1"));
        var first = await registry.WaitAsync(new LogSubscriptionsRequest("n1", -1, 20_000), CancellationToken.None);

        var waiting = registry.WaitAsync(new LogSubscriptionsRequest("n1", first.Revision, 20_000), CancellationToken.None);
        registry.Unsubscribe("sub1");
        var answer = await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(answer.Subscriptions, Is.Empty);
    }

    [Test]
    public async Task WaitAsync_LeaseNotRenewed_SubscriptionExpires()
    {
        var time = new FakeTimeProvider();
        var registry = new LogSubscriptionRegistry(time);
        registry.Subscribe(Subscription("sub1", "n1"));

        time.Advance(LogSubscriptionRegistry.Lease + TimeSpan.FromSeconds(1));
        var answer = await registry.WaitAsync(new LogSubscriptionsRequest("n1", -1, 0), CancellationToken.None);

        Assert.That(answer.Subscriptions, Is.Empty);
        Assert.That(registry.Count, Is.Zero);
    }

    [Test]
    public async Task Subscribe_Renewed_KeepsTheSubscriptionPastTheFirstLease()
    {
        var time = new FakeTimeProvider();
        var registry = new LogSubscriptionRegistry(time);
        registry.Subscribe(Subscription("sub1", "n1"));

        time.Advance(LogSubscriptionRegistry.Lease / 2);
        registry.Subscribe(Subscription("sub1", "n1"));
        time.Advance(LogSubscriptionRegistry.Lease / 2 + TimeSpan.FromSeconds(1));
        var answer = await registry.WaitAsync(new LogSubscriptionsRequest("n1", -1, 0), CancellationToken.None);

        Assert.That(answer.Subscriptions.Select(s => s.Id), Is.EqualTo(new[] { "sub1" }));
    }
}
