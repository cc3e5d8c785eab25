using System.IO.Pipelines;
using System.Text.Json;
using System.Threading.Channels;
using Berth.Plugins.Swarmkit.Agent;
using Berth.Plugins.Swarmkit.Dispatcher;
using Berth.Plugins.Swarmkit.Logs;
using Berth.Plugins.Swarmkit.Rpc;
using Berth.Sdk;
using Berth.Sdk.Cluster;
using Berth.Sdk.Kernel;
using Berth.Sdk.Logging;

namespace Berth.Plugins.Tests.Swarmkit.Logs;

public class LogPublisherTests
{
    private static readonly ReadConfig Once = new(null, null, -1, Follow: false);

    private static byte[] Frames(params LogEntry[] entries)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var entry in entries) LogEntryCodec.Encode(buffer, entry);
        return buffer.WrittenSpan.ToArray();
    }

    private static LogEntry Line(string text, string source = "stdout") => new(source, 1_000, System.Text.Encoding.UTF8.GetBytes(text), false);

    private static async Task<(LogPublishHello? Hello, List<TaskLogRecord> Records)> ReadBackAsync(byte[] sent)
    {
        using var stream = new MemoryStream(sent);
        var hello = await RpcFrames.ReadAsync<LogPublishHello>(stream, CancellationToken.None);
        var records = new List<TaskLogRecord>();
        while (await TaskLogCodec.ReadAsync(stream, CancellationToken.None) is { } record) records.Add(record);
        return (hello, records);
    }

    [Test]
    public async Task PublishAsync_TwoTargets_SendsHelloTheEntriesWithoutKeepalivesThenEnd()
    {
        var kernel = new LogKernel();
        kernel.Logs["c1"] = () => new MemoryStream(Frames(Line("one"), new LogEntry("", 0, ReadOnlyMemory<byte>.Empty, false), Line("two", "stderr")));
        kernel.Logs["c2"] = () => new MemoryStream(Frames(Line("three")));
        var sent = new MemoryStream();
        string? dialed = null;
        var publisher = new LogPublisher("n2", () => new NoLink(), kernel, (address, _) =>
        {
            dialed = address;
            return Task.FromResult<Stream>(sent);
        }, TimeProvider.System, TextWriter.Null);
        var subscription = new LogSubscription("sub1", "10.0.0.1:2377", Once, [new LogTarget("t1", "s1", "c1"), new LogTarget("t2", "s1", "c2")]);

        using var stop = new CancellationTokenSource();
        await publisher.PublishAsync(subscription, stop);

        var (hello, records) = await ReadBackAsync(sent.ToArray());
        Assert.That(dialed, Is.EqualTo("10.0.0.1:2377"));
        Assert.That(hello, Is.EqualTo(new LogPublishHello("sub1", "n2")));
        var entries = records.Where(r => r.Kind == TaskLogRecordKind.Entry).ToList();
        Assert.That(entries.Select(r => $"{r.TaskId} {r.Entry!.Source} {System.Text.Encoding.UTF8.GetString(r.Entry.Line.Span)}"),
            Is.EqualTo(new[] { "t1 stdout one", "t1 stderr two", "t2 stdout three" }));
        Assert.That(entries.Select(r => r.NodeId).Distinct(), Is.EqualTo(new[] { "n2" }));
        Assert.That(records[^1].Kind, Is.EqualTo(TaskLogRecordKind.End));
        Assert.That(kernel.Reads, Is.EqualTo(new[] { "c1", "c2" }));
    }

    [Test]
    public async Task PublishAsync_ContainerRemoved_SkipsItAndStillEnds()
    {
        var kernel = new LogKernel();
        kernel.Logs["c2"] = () => new MemoryStream(Frames(Line("three")));
        var sent = new MemoryStream();
        var publisher = new LogPublisher("n2", () => new NoLink(), kernel, (_, _) => Task.FromResult<Stream>(sent), TimeProvider.System, TextWriter.Null);
        var subscription = new LogSubscription("sub1", "m:2377", Once, [new LogTarget("t1", "s1", "c1"), new LogTarget("t2", "s1", "c2")]);

        using var stop = new CancellationTokenSource();
        await publisher.PublishAsync(subscription, stop);

        var (_, records) = await ReadBackAsync(sent.ToArray());
        Assert.That(records.Select(r => r.Kind), Is.EqualTo(new[] { TaskLogRecordKind.Entry, TaskLogRecordKind.End }));
    }

    [Test]
    public async Task RunAsync_FollowedSubscriptionEnds_StopsReadingTheContainerLog()
    {
        var kernel = new LogKernel();
        var pipe = new Pipe();
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        kernel.Logs["c1"] = () => new OwnedStream(pipe.Reader.AsStream(), () => released.TrySetResult());
        var link = new QueueLink();
        var follow = new LogSubscription("sub1", "m:2377", Once with { Follow = true }, [new LogTarget("t1", "s1", "c1")]);
        await link.Answers.Writer.WriteAsync(new NodeLogSubscriptions(1, [follow]));
        var sent = new Pipe();
        var publisher = new LogPublisher("n2", () => link, kernel, (_, _) => Task.FromResult(sent.Writer.AsStream()), TimeProvider.System, TextWriter.Null);
        using var lifetime = new CancellationTokenSource();
        var running = publisher.RunAsync(lifetime.Token);

        await pipe.Writer.WriteAsync(Frames(Line("live")));
        var received = sent.Reader.AsStream();
        var hello = await RpcFrames.ReadAsync<LogPublishHello>(received, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        var entry = await TaskLogCodec.ReadAsync(received, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        await link.Answers.Writer.WriteAsync(new NodeLogSubscriptions(2, []));

        await released.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(hello!.SubscriptionId, Is.EqualTo("sub1"));
        Assert.That(entry!.Entry!.Line.ToArray(), Is.EqualTo("live"u8.ToArray()));
        await lifetime.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private sealed class LogKernel : IKernelHost
    {
        public Dictionary<string, Func<Stream>> Logs { get; } = [];

        public List<string> Reads { get; } = [];

        public Task<Stream> ReadContainerLogsAsync(string idOrName, ReadConfig config, CancellationToken cancellationToken)
        {
            Reads.Add(idOrName);
            return Logs.TryGetValue(idOrName, out var open) ? Task.FromResult(open()) : throw BerthException.NotFound($"No such container: {idOrName}");
        }

        public Task<DaemonDescription> DescribeAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task PublishEventAsync(PluginEvent pluginEvent, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<string> CreateContainerAsync(string? name, JsonElement config, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task StartContainerAsync(string idOrName, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task StopContainerAsync(string idOrName, int? timeoutSeconds, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task RemoveContainerAsync(string idOrName, bool force, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<JsonElement> InspectContainerAsync(string idOrName, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private class NoLink : IManagerLink
    {
        public Task<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<Berth.Sdk.Cluster.NodeAssignments> AssignmentsAsync(AssignmentsRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task ReportAsync(TaskStatusRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
        public virtual Task<NodeLogSubscriptions> LogSubscriptionsAsync(LogSubscriptionsRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>Answers each long poll with the next queued answer.</summary>
    private sealed class QueueLink : NoLink
    {
        public Channel<NodeLogSubscriptions> Answers { get; } = Channel.CreateUnbounded<NodeLogSubscriptions>();

        public override async Task<NodeLogSubscriptions> LogSubscriptionsAsync(LogSubscriptionsRequest request, CancellationToken cancellationToken) =>
            await Answers.Reader.ReadAsync(cancellationToken);
    }
}
