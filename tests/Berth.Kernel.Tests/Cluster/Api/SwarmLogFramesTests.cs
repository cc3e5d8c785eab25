using System.Text;
using System.Text.Json;
using Berth.Kernel.Api.Cluster;
using Berth.Sdk.Cluster;
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

    [Test]
    public async Task CopyRecordsAsync_RemoteEntriesWithDetails_PrefixedWithTheirOwnTask()
    {
        var records = new[]
        {
            new TaskLogRecord(TaskLogRecordKind.Entry, "node2", "svc1", "task2", new LogEntry("stdout", Time, "from afar"u8.ToArray(), false)),
            TaskLogRecord.Keepalive,
            new TaskLogRecord(TaskLogRecordKind.Entry, "node3", "svc1", "task3", new LogEntry("stderr", Time, "oops"u8.ToArray(), false)),
        };
        var output = new MemoryStream();
        var options = new SwarmLogOptions(Stdout: true, Stderr: false, Timestamps: false, Details: true, Follow: false, Since: null, Tail: -1);

        await new SwarmLogFrames(output, multiplexed: false, options).CopyRecordsAsync(new MemoryStream(records.SelectMany(TaskLogCodec.Encode).ToArray()), flushEach: false, CancellationToken.None);

        Assert.That(Encoding.UTF8.GetString(output.ToArray()), Is.EqualTo($"{new SwarmLogSource("node2", "svc1", "task2").Details} from afar\n"));
    }

    [Test]
    public async Task CopyRecordsAsync_Warning_WrittenAsMobysErrorOnTheSystemErrorStream()
    {
        var output = new MemoryStream();
        var options = new SwarmLogOptions(Stdout: true, Stderr: true, Timestamps: false, Details: false, Follow: false, Since: null, Tail: -1);
        var records = TaskLogCodec.Encode(TaskLogRecord.ForWarning("warning: incomplete log stream. some logs could not be retrieved for the following reasons: node n2 is not available"));

        await new SwarmLogFrames(output, multiplexed: true, options).CopyRecordsAsync(new MemoryStream(records), flushEach: false, CancellationToken.None);

        var frame = output.ToArray();
        Assert.That(frame[0], Is.EqualTo(3));
        Assert.That(Encoding.UTF8.GetString(frame[8..]), Is.EqualTo(
            "Error grabbing logs: rpc error: code = Unknown desc = warning: incomplete log stream. some logs could not be retrieved for the following reasons: node n2 is not available\n"));
    }

    [Test]
    public async Task CopyAsync_KeepaliveEntry_Skipped()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        LogEntryCodec.Encode(buffer, new LogEntryView(default, 0, default, partial: false));
        LogEntryCodec.Encode(buffer, new LogEntryView("stdout"u8, Time, "hello"u8, partial: false));
        var output = new MemoryStream();
        var options = new SwarmLogOptions(Stdout: true, Stderr: true, Timestamps: false, Details: false, Follow: false, Since: null, Tail: -1);

        await new SwarmLogFrames(output, multiplexed: false, options).CopyAsync(new MemoryStream(buffer.WrittenSpan.ToArray()), Source, flushEach: false, CancellationToken.None);

        Assert.That(Encoding.UTF8.GetString(output.ToArray()), Is.EqualTo("hello\n"));
    }
}
