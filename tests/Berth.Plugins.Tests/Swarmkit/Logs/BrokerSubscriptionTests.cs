using Berth.Plugins.Swarmkit.Logs;
using Berth.Sdk.Cluster;
using Berth.Sdk.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Plugins.Tests.Swarmkit.Logs;

public class BrokerSubscriptionTests
{
    private static readonly TimeSpan Connect = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(15);

    private static LogSubscribeRequest Request(bool follow, params string[] nodes) =>
        new("sub1", "10.0.0.1:2377", new ReadConfig(null, null, -1, follow), nodes.ToDictionary(n => n, n => (IReadOnlyList<LogTarget>)[new LogTarget("t-" + n, "s1", "c-" + n)]));

    [Test]
    public void Ended_EveryNode_Settled()
    {
        using var subscription = new BrokerSubscription(Request(false, "n1", "n2"), follow: false, [], [], new FakeTimeProvider());

        Assert.That(subscription.Connected("n1"), Is.True);
        Assert.That(subscription.Connected("n2"), Is.True);
        subscription.Ended("n1");
        Assert.That(subscription.Settled.IsCompleted, Is.False);
        subscription.Ended("n2");

        Assert.That(subscription.Settled.IsCompleted, Is.True);
        Assert.That(subscription.Warning(), Is.Null);
    }

    [Test]
    public void Connected_UnknownNodeOrTwice_Refused()
    {
        using var subscription = new BrokerSubscription(Request(false, "n1"), follow: false, [], [], new FakeTimeProvider());

        Assert.That(subscription.Connected("n9"), Is.False);
        Assert.That(subscription.Connected("n1"), Is.True);
        Assert.That(subscription.Connected("n1"), Is.False);
    }

    [Test]
    public void Expire_NodeNeverConnects_FailsItWithMobysWarning()
    {
        var time = new FakeTimeProvider();
        using var subscription = new BrokerSubscription(Request(false, "n1", "n2"), follow: false, [], [], time);
        subscription.Connected("n1");
        subscription.Ended("n1");

        time.Advance(Connect);
        subscription.Expire(Connect, Idle);

        Assert.That(subscription.Settled.IsCompleted, Is.True);
        Assert.That(subscription.Warning(), Is.EqualTo("warning: incomplete log stream. some logs could not be retrieved for the following reasons: node n2 is not available"));
    }

    [Test]
    public void Constructor_NodeDownAndUnscheduledTask_SettledWithBothReasons()
    {
        using var subscription = new BrokerSubscription(Request(false, "n1"), follow: false, ["n1"], ["task t9 has not been scheduled"], new FakeTimeProvider());

        Assert.That(subscription.Settled.IsCompleted, Is.True);
        Assert.That(subscription.Warning(), Does.EndWith("task t9 has not been scheduled, node n1 is not available"));
    }

    [Test]
    public void Expire_FollowedNodeSilent_WaitsForItToComeBack()
    {
        var time = new FakeTimeProvider();
        using var subscription = new BrokerSubscription(Request(true, "n1"), follow: true, [], [], time);
        subscription.Connected("n1");

        time.Advance(Idle);
        subscription.Expire(Connect, Idle);

        Assert.That(subscription.Settled.IsCompleted, Is.False);
        Assert.That(subscription.Connected("n1"), Is.True, "the node may publish again");
        Assert.That(subscription.Warning(), Is.Null);
    }

    [Test]
    public void Lost_PublisherGoneWithoutFollow_NodeFails()
    {
        using var subscription = new BrokerSubscription(Request(false, "n1"), follow: false, [], [], new FakeTimeProvider());
        subscription.Connected("n1");

        subscription.Lost("n1");

        Assert.That(subscription.Settled.IsCompleted, Is.True);
        Assert.That(subscription.Warning(), Does.Contain("node n1 is not available"));
    }

    [Test]
    public async Task FinishAsync_AfterEntries_ReaderGetsThemThenTheEndAndEof()
    {
        using var subscription = new BrokerSubscription(Request(false, "n1"), follow: false, [], [], new FakeTimeProvider());
        var entry = new LogEntry("stdout", 1, "hi"u8.ToArray(), false);
        await subscription.WriteAsync(new TaskLogRecord(TaskLogRecordKind.Entry, "n1", "s1", "t-n1", entry), CancellationToken.None);

        await subscription.FinishAsync();
        var first = await TaskLogCodec.ReadAsync(subscription.Output, CancellationToken.None);
        var second = await TaskLogCodec.ReadAsync(subscription.Output, CancellationToken.None);
        var eof = await TaskLogCodec.ReadAsync(subscription.Output, CancellationToken.None);

        Assert.That(first!.Entry!.Line.ToArray(), Is.EqualTo("hi"u8.ToArray()));
        Assert.That(second!.Kind, Is.EqualTo(TaskLogRecordKind.End));
        Assert.That(eof, Is.Null);
    }

    [Test]
    public async Task WriteAsync_ReaderDisposedTheStream_FalseAndTheSubscriptionEnds()
    {
        using var subscription = new BrokerSubscription(Request(true, "n1"), follow: true, [], [], new FakeTimeProvider());

        await subscription.Output.DisposeAsync();
        var written = await subscription.WriteAsync(TaskLogRecord.Keepalive, CancellationToken.None);

        Assert.That(written, Is.False);
        Assert.That(subscription.Ending.IsCancellationRequested, Is.True);
    }
}
