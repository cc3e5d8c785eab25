using Berth.Kernel.Cluster.Agent;
using Berth.Kernel.Tests.Support;
using Berth.Sdk;
using Berth.Sdk.Cluster;

namespace Berth.Kernel.Tests.Cluster.Agent;

public class TaskStatusReporterTests
{
    private readonly Lock gate = new();
    private List<IReadOnlyList<TaskStatusReport>> batches = null!;
    private Func<IReadOnlyList<TaskStatusReport>, Exception?> failure = null!;
    private TrackingTimeProvider time = null!;
    private TaskStatusReporter reporter = null!;
    private CancellationTokenSource stop = null!;
    private Task running = null!;

    [SetUp]
    public void SetUp()
    {
        batches = [];
        failure = _ => null;
        time = new TrackingTimeProvider();
        reporter = new TaskStatusReporter(SendAsync, time);
        stop = new CancellationTokenSource();
    }

    [TearDown]
    public async Task TearDown()
    {
        await stop.CancelAsync();
        if (running is not null)
        {
            try
            {
                await Wait.Within(running);
            }
            catch (OperationCanceledException)
            {
            }
        }
        stop.Dispose();
    }

    private Task SendAsync(IReadOnlyList<TaskStatusReport> batch, CancellationToken cancellationToken)
    {
        if (failure(batch) is { } ex) return Task.FromException(ex);
        lock (gate) batches.Add(batch.ToList());
        return Task.CompletedTask;
    }

    private List<string> Delivered()
    {
        lock (gate) return batches.SelectMany(b => b).Select(r => $"{r.TaskId}:{r.State}").ToList();
    }

    private TaskStatusReport Report(string task, string state) => new(task, state, state, null, null, null, null, time.GetUtcNow());

    private void Start() => running = reporter.RunAsync(stop.Token);

    [Test]
    public async Task RunAsync_ReportsMadeTogether_SentInOrderInOneBatch()
    {
        reporter.Report(Report("t1", "accepted"));
        reporter.Report(Report("t1", "preparing"));
        reporter.Report(Report("t2", "accepted"));

        Start();

        await Wait.Eventually(() => Delivered().Count == 3, "three reports");
        Assert.That(Delivered(), Is.EqualTo(new[] { "t1:accepted", "t1:preparing", "t2:accepted" }));
        lock (gate) Assert.That(batches, Has.Count.EqualTo(1));
        Assert.That(reporter.PendingCount, Is.Zero);
    }

    [Test]
    public async Task RunAsync_ManyReports_SplitIntoBatchesOfAtMost64()
    {
        for (var i = 0; i < 100; i++) reporter.Report(Report($"t{i}", "accepted"));

        Start();

        await Wait.Eventually(() => Delivered().Count == 100, "a hundred reports");
        lock (gate) Assert.That(batches.Select(b => b.Count), Is.EqualTo(new[] { 64, 36 }));
    }

    [Test]
    public async Task RunAsync_BackendUnavailable_RetriesWithBackoffKeepingTheOrder()
    {
        var attempts = 0;
        failure = _ => Interlocked.Increment(ref attempts) <= 2 ? BerthException.Unavailable("plugin swarmkit is restarting") : null;
        reporter.Report(Report("t1", "accepted"));
        reporter.Report(Report("t1", "preparing"));
        Start();

        await time.AdvanceWhenArmedAsync(TimeSpan.FromMilliseconds(100), 1);
        await time.AdvanceWhenArmedAsync(TimeSpan.FromMilliseconds(200), 1);
        reporter.Report(Report("t1", "ready"));

        await Wait.Eventually(() => Delivered().Count == 3, "the reports after the backend came back");
        Assert.That(Delivered(), Is.EqualTo(new[] { "t1:accepted", "t1:preparing", "t1:ready" }));
    }

    [Test]
    public async Task RunAsync_BackendRefusesOneTaskForGood_DropsOnlyThatReport()
    {
        failure = batch => batch.Any(r => r.TaskId == "gone") ? BerthException.NotFound("task gone not found") : null;
        reporter.Report(Report("t1", "accepted"));
        reporter.Report(Report("gone", "shutdown"));
        reporter.Report(Report("t2", "accepted"));

        Start();

        await Wait.Eventually(() => Delivered().Count == 2 && reporter.PendingCount == 0, "the other reports");
        Assert.That(Delivered(), Is.EqualTo(new[] { "t1:accepted", "t2:accepted" }));
    }

    [Test]
    public async Task FlushAsync_Pending_SendsThemOnce()
    {
        reporter.Report(Report("t1", "shutdown"));

        await reporter.FlushAsync(CancellationToken.None);

        Assert.That(Delivered(), Is.EqualTo(new[] { "t1:shutdown" }));
    }
}
