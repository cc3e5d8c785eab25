using Berth.Sdk.Cluster;
using Berth.Sdk.Logging;

namespace Berth.Sdk.Tests.Cluster;

public class TaskLogCodecTests
{
    [Test]
    public async Task ReadAsync_EntryWarningKeepaliveEnd_RoundTrip()
    {
        var entry = new LogEntry("stderr", 1_700_000_000_000_000_001, "line"u8.ToArray(), true, new PartialLogEntryMetadata(false, "p1", 2));
        var records = new[]
        {
            new TaskLogRecord(TaskLogRecordKind.Entry, "node1", "svc1", "task1", entry),
            TaskLogRecord.ForWarning("node node2 is not available"),
            TaskLogRecord.Keepalive,
            TaskLogRecord.End,
        };
        using var stream = new MemoryStream(records.SelectMany(TaskLogCodec.Encode).ToArray());

        var read = new List<TaskLogRecord>();
        while (await TaskLogCodec.ReadAsync(stream, CancellationToken.None) is { } record) read.Add(record);

        Assert.That(read.Select(r => r.Kind), Is.EqualTo(records.Select(r => r.Kind)));
        Assert.That((read[0].NodeId, read[0].ServiceId, read[0].TaskId), Is.EqualTo(("node1", "svc1", "task1")));
        Assert.That(read[0].Entry! with { Line = default }, Is.EqualTo(entry with { Line = default }));
        Assert.That(read[0].Entry!.Line.ToArray(), Is.EqualTo("line"u8.ToArray()));
        Assert.That(read[1].Warning, Is.EqualTo("node node2 is not available"));
    }

    [Test]
    public void ReadAsync_TruncatedRecord_Throws()
    {
        var frame = TaskLogCodec.Encode(TaskLogRecord.ForWarning("cut short"));
        using var stream = new MemoryStream(frame[..^3]);

        Assert.ThrowsAsync<InvalidDataException>(async () => await TaskLogCodec.ReadAsync(stream, CancellationToken.None));
    }
}
