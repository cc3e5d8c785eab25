using Berth.Kernel.Events;
using Berth.Kernel.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Kernel.Tests.Events;

public class EventsServiceTests
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private FakeTimeProvider time = null!;
    private EventsService events = null!;

    [SetUp]
    public void SetUp()
    {
        time = new FakeTimeProvider(Start);
        events = new EventsService(time);
    }

    [Test]
    public void Publish_ContainerEvent_FillsLegacyFieldsAndTimes()
    {
        time.Advance(TimeSpan.FromMilliseconds(1.5));

        var message = events.Publish("container", "start", "abc123", new Dictionary<string, string> { ["image"] = "nginx", ["name"] = "web" });

        Assert.That(message.Status, Is.EqualTo("start"));
        Assert.That(message.Id, Is.EqualTo("abc123"));
        Assert.That(message.From, Is.EqualTo("nginx"));
        Assert.That(message.Scope, Is.EqualTo("local"));
        Assert.That(message.Time, Is.EqualTo(Start.ToUnixTimeSeconds()));
        Assert.That(message.TimeNano, Is.EqualTo(EventsService.ToNanos(Start) + 1_500_000));
    }

    [Test]
    public void Publish_PluginEvent_HasNoLegacyFields()
    {
        var message = events.Publish("plugin", "crash", "p1");

        Assert.That(message.Status, Is.Null);
        Assert.That(message.Id, Is.Null);
        Assert.That(message.From, Is.Null);
        Assert.That(message.Actor.Attributes, Is.Empty);
    }

    [Test]
    public void Subscribe_SinceAndUntil_ReplaysOnlyThatWindowFromTheRing()
    {
        for (var i = 0; i < 5; i++)
        {
            events.Publish("plugin", $"e{i}", "p");
            time.Advance(TimeSpan.FromSeconds(10));
        }

        using var window = events.Subscribe(Start.AddSeconds(10), Start.AddSeconds(30));
        using var sinceOnly = events.Subscribe(Start.AddSeconds(35), null);
        using var untilOnly = events.Subscribe(null, Start.AddSeconds(5));

        Assert.That(window.Past.Select(e => e.Action), Is.EqualTo(new[] { "e1", "e2", "e3" }));
        Assert.That(sinceOnly.Past.Select(e => e.Action), Is.EqualTo(new[] { "e4" }));
        Assert.That(untilOnly.Past.Select(e => e.Action), Is.EqualTo(new[] { "e0" }));
    }

    [Test]
    public void Subscribe_WithoutSinceOrUntil_ReplaysNothing()
    {
        events.Publish("plugin", "enable", "p");

        using var live = events.Subscribe(null, null);

        Assert.That(live.Past, Is.Empty);
    }

    [Test]
    public void Subscribe_FullRing_DropsTheOldest()
    {
        for (var i = 0; i < EventsService.RingCapacity + 3; i++) events.Publish("plugin", $"e{i}", "p");

        using var all = events.Subscribe(DateTimeOffset.UnixEpoch, null);

        Assert.That(all.Past, Has.Count.EqualTo(EventsService.RingCapacity));
        Assert.That(all.Past[0].Action, Is.EqualTo("e3"));
        Assert.That(all.Past[^1].Action, Is.EqualTo($"e{EventsService.RingCapacity + 2}"));
    }

    [Test]
    public async Task Subscribe_LiveFeed_ReceivesLaterEventsUntilDisposed()
    {
        events.Publish("plugin", "before", "p");
        var subscription = events.Subscribe(null, null);
        Assert.That(events.SubscriberCount, Is.EqualTo(1));

        events.Publish("network", "create", "n1");
        var received = await Wait.Within(subscription.Live.ReadAsync().AsTask());
        subscription.Dispose();
        events.Publish("network", "destroy", "n1");

        Assert.That(received.Action, Is.EqualTo("create"));
        Assert.That(events.SubscriberCount, Is.Zero);
        Assert.That(subscription.Live.TryRead(out _), Is.False);
        Assert.That(subscription.Live.Completion.IsCompleted, Is.True);
    }
}
