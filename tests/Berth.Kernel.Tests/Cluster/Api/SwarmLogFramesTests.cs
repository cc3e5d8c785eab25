using System.Text;
using System.Text.Json;
using Berth.Kernel.Api.Cluster;
using Berth.Sdk.Logging;

namespace Berth.Kernel.Tests.Cluster.Api;

public class SwarmLogFramesTests
{
    private static readonly SwarmLogSource Source = new("node1", "svc1", "task1");
    private const long Time = 1_700_000_000_123_000_000;

    [Test]
    public void Details_Source_AttributesSortedByKey()
    {
        Assert.That(Source.Details, Is.EqualTo("com.docker.swarm.node.id=node1,com.docker.swarm.service.id=svc1,com.docker.swarm.task.id=task1"));
    }

    [Test]
    public void Frame_DetailsAndTimestamps_PrefixesTheLineAsMoby()
    {
        var entry = new LogEntryView("stdout"u8, Time, "hello"u8, partial: false);

        var frame = SwarmLogFrames.Frame(entry, Source.Details, timestamps: true, multiplexed: false);

        Assert.That(Encoding.UTF8.GetString(frame), Is.EqualTo($"2023-11-14T22:13:20.123000000Z {Source.Details} hello\n"));
    }

    [Test]
    public void Frame_StderrMultiplexed_HasTheStreamHeader()
    {
        var entry = new LogEntryView("stderr"u8, Time, "oops"u8, partial: false);

        var frame = SwarmLogFrames.Frame(entry, null, timestamps: false, multiplexed: true);

        Assert.That(frame[..8], Is.EqualTo(new byte[] { 2, 0, 0, 0, 0, 0, 0, 5 }));
        Assert.That(Encoding.UTF8.GetString(frame[8..]), Is.EqualTo("oops\n"));
    }

    [Test]
    public void RanElsewhere_TaskWithAContainerOnAnotherNode_True()
    {
        var task = JsonDocument.Parse("""{"ID":"t","NodeID":"node2","Status":{"ContainerStatus":{"ContainerID":"abc"}}}""").RootElement;

        Assert.That(SwarmLogsRoute.RanElsewhere(task, "node1"), Is.True);
        Assert.That(SwarmLogsRoute.RanElsewhere(task, "node2"), Is.False);
    }

    [Test]
    public void RanElsewhere_PendingTaskElsewhereWithoutContainer_False()
    {
        var task = JsonDocument.Parse("""{"ID":"t","NodeID":"node2","Status":{"State":"assigned"}}""").RootElement;

        Assert.That(SwarmLogsRoute.RanElsewhere(task, "node1"), Is.False);
    }
}
