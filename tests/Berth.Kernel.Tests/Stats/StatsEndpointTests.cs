using Berth.Kernel.Stats;
using Berth.Kernel.Tests.Support;
using Berth.Sdk;
using Microsoft.AspNetCore.Http;

namespace Berth.Kernel.Tests.Stats;

public class StatsEndpointTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private FakeCgroupTree tree = null!;
    private TrackingTimeProvider time = null!;
    private StatsSampler sampler = null!;
    private DocumentCaptureStream body = null!;
    private DefaultHttpContext context = null!;
    private volatile bool running;

    [SetUp]
    public void SetUp()
    {
        tree = FakeCgroupTree.Hybrid()
            .Write("memory", "memory.usage_in_bytes", "8192000\n")
            .Write("memory", "memory.limit_in_bytes", "67108864\n")
            .Write("cpuacct", "cpuacct.usage", "1000000000\n")
            .Write("pids", "pids.current", "1\n");
        time = new TrackingTimeProvider();
        sampler = new StatsSampler(time, tree.Host());
        body = new DocumentCaptureStream();
        context = new DefaultHttpContext();
        context.Response.Body = body;
        running = true;
    }

    [TearDown]
    public void TearDown() => tree.Dispose();

    private CgroupPaths? Paths() => running ? tree.Paths : null;

    private void SetCpuUsage(ulong nanoseconds) => tree.Write("cpuacct", "cpuacct.usage", $"{nanoseconds}\n");

    [Test]
    public async Task WriteAsync_Stream_WritesADocumentEverySecondWithPreviousCpuUntilCancelled()
    {
        using var stop = new CancellationTokenSource();
        var writing = StatsEndpoint.WriteAsync(context, Paths, "c0ffee", "web", stream: true, oneShot: false, sampler, stop.Token);

        await Wait.Eventually(() => body.Writes.Count == 1, "the first document");
        SetCpuUsage(1_500_000_000);
        await time.AdvanceWhenArmedAsync(Second, 1);
        await Wait.Eventually(() => body.Writes.Count == 2, "the second document");
        await stop.CancelAsync();
        await Wait.Within(writing);

        var docs = body.Documents;
        Assert.That(body.Writes, Has.All.EndsWith("\n"));
        Assert.That(body.Flushes, Is.GreaterThanOrEqualTo(2));
        Assert.That(context.Response.StatusCode, Is.EqualTo(200));
        Assert.That(docs[0]["preread"]!.GetValue<string>(), Is.EqualTo("0001-01-01T00:00:00Z"));
        Assert.That(docs[0]["read"]!.GetValue<string>(), Is.EqualTo("2025-01-01T00:00:00Z"));
        Assert.That(docs[1]["read"]!.GetValue<string>(), Is.EqualTo("2025-01-01T00:00:01Z"));
        Assert.That(docs[1]["preread"]!.GetValue<string>(), Is.EqualTo("2025-01-01T00:00:00Z"));
        Assert.That(docs[1]["cpu_stats"]!["cpu_usage"]!["total_usage"]!.GetValue<ulong>(), Is.EqualTo(1_500_000_000));
        Assert.That(docs[1]["precpu_stats"]!["cpu_usage"]!["total_usage"]!.GetValue<ulong>(), Is.EqualTo(1_000_000_000));
        Assert.That(DockerCli.MemLimit(docs[1]), Is.EqualTo(FakeCgroupTree.Mib64));
    }

    [Test]
    public async Task WriteAsync_StreamWhileContainerStops_KeepsSendingZeroedDocuments()
    {
        using var stop = new CancellationTokenSource();
        var writing = StatsEndpoint.WriteAsync(context, Paths, "c0ffee", "web", stream: true, oneShot: false, sampler, stop.Token);
        await Wait.Eventually(() => body.Writes.Count == 1, "the first document");

        running = false;
        await time.AdvanceWhenArmedAsync(Second, 1);
        await time.AdvanceWhenArmedAsync(Second, 2);
        await Wait.Eventually(() => body.Writes.Count == 3, "two zeroed documents");
        await stop.CancelAsync();
        await Wait.Within(writing);

        var docs = body.Documents;
        Assert.That(docs[1]["read"]!.GetValue<string>(), Is.EqualTo("0001-01-01T00:00:00Z"));
        Assert.That(docs[1]["preread"]!.GetValue<string>(), Is.EqualTo("2025-01-01T00:00:00Z"));
        Assert.That(docs[1]["precpu_stats"]!["cpu_usage"]!["total_usage"]!.GetValue<ulong>(), Is.EqualTo(1_000_000_000));
        Assert.That(docs[1]["memory_stats"]!.AsObject(), Is.Empty);
        Assert.That(docs[2]["preread"]!.GetValue<string>(), Is.EqualTo("0001-01-01T00:00:00Z"));
        Assert.That(docs[2]["name"]!.GetValue<string>(), Is.EqualTo("/web"));
    }

    [Test]
    public async Task WriteAsync_StreamAndContainerRemoved_Ends()
    {
        var removed = false;
        var writing = StatsEndpoint.WriteAsync(context, () => removed ? throw BerthException.NotFound("No such container: c0ffee") : tree.Paths,
            "c0ffee", "web", stream: true, oneShot: false, sampler, CancellationToken.None);
        await Wait.Eventually(() => body.Writes.Count == 1, "the first document");

        removed = true;
        await time.AdvanceWhenArmedAsync(Second, 1);
        await Wait.Within(writing);

        Assert.That(body.Writes, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task WriteAsync_StreamAndClientGone_Ends()
    {
        using var client = new CancellationTokenSource();
        context.RequestAborted = client.Token;
        var writing = StatsEndpoint.WriteAsync(context, Paths, "c0ffee", "web", stream: true, oneShot: false, sampler, CancellationToken.None);
        await Wait.Eventually(() => body.Writes.Count == 1, "the first document");

        await client.CancelAsync();

        await Wait.Within(writing);
        Assert.That(body.Writes, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task WriteAsync_NoStream_WaitsASecondAndWritesOneDocumentWithPrecpu()
    {
        var writing = StatsEndpoint.WriteAsync(context, Paths, "c0ffee", "web", stream: false, oneShot: false, sampler, CancellationToken.None);
        await Wait.Eventually(() => time.Armed(Second) == 1, "the wait for the second sample");
        Assert.That(body.Writes, Is.Empty);

        SetCpuUsage(1_250_000_000);
        time.Advance(Second);
        await Wait.Within(writing);

        var doc = body.Documents.Single();
        Assert.That(doc["read"]!.GetValue<string>(), Is.EqualTo("2025-01-01T00:00:01Z"));
        Assert.That(doc["preread"]!.GetValue<string>(), Is.EqualTo("2025-01-01T00:00:00Z"));
        Assert.That(doc["precpu_stats"]!["cpu_usage"]!["total_usage"]!.GetValue<ulong>(), Is.EqualTo(1_000_000_000));
        Assert.That(doc["cpu_stats"]!["cpu_usage"]!["total_usage"]!.GetValue<ulong>(), Is.EqualTo(1_250_000_000));
        Assert.That(context.Response.ContentType, Is.EqualTo("application/json"));
        Assert.That(context.Response.ContentLength, Is.EqualTo(body.Writes.Single().Length));
    }

    [Test]
    public async Task WriteAsync_OneShot_WritesOneDocumentAtOnceWithoutPrecpu()
    {
        await Wait.Within(StatsEndpoint.WriteAsync(context, Paths, "c0ffee", "web", stream: false, oneShot: true, sampler, CancellationToken.None));

        var doc = body.Documents.Single();
        Assert.That(time.Armed(Second), Is.Zero);
        Assert.That(doc["read"]!.GetValue<string>(), Is.EqualTo("2025-01-01T00:00:00Z"));
        Assert.That(doc["preread"]!.GetValue<string>(), Is.EqualTo("0001-01-01T00:00:00Z"));
        Assert.That(doc["precpu_stats"]!["cpu_usage"]!["total_usage"]!.GetValue<ulong>(), Is.Zero);
        Assert.That(DockerCli.Pids(doc), Is.EqualTo(1));
    }

    [Test]
    public async Task WriteAsync_NoStreamForStoppedContainer_WritesZeroedDocumentAtOnce()
    {
        running = false;

        await Wait.Within(StatsEndpoint.WriteAsync(context, Paths, "c0ffee", "web", stream: false, oneShot: false, sampler, CancellationToken.None));

        var doc = body.Documents.Single();
        Assert.That(doc["id"]!.GetValue<string>(), Is.EqualTo("c0ffee"));
        Assert.That(doc["read"]!.GetValue<string>(), Is.EqualTo("0001-01-01T00:00:00Z"));
        Assert.That(doc["memory_stats"]!.AsObject(), Is.Empty);
    }

    [Test]
    public void WriteAsync_StreamAndOneShot_IsInvalid()
    {
        var error = Assert.ThrowsAsync<BerthException>(() =>
            StatsEndpoint.WriteAsync(context, Paths, "c0ffee", "web", stream: true, oneShot: true, sampler, CancellationToken.None));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(error.Message, Is.EqualTo("cannot have stream=true and one-shot=true"));
        Assert.That(body.Writes, Is.Empty);
    }
}
