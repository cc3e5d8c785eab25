using Berth.Kernel.Plugins;

namespace Berth.Kernel.Tests.Plugins;

public class RestartBackoffTests
{
    [Test]
    public void Next_RepeatedQuickCrashes_DoublesFromInitial()
    {
        var backoff = new RestartBackoff();

        var delays = Enumerable.Range(0, 5).Select(_ => backoff.Next(TimeSpan.Zero)).ToList();

        Assert.That(delays.Select(d => d.TotalMilliseconds), Is.EqualTo(new[] { 100, 200, 400, 800, 1600 }));
    }

    [Test]
    public void Next_ManyCrashes_CapsAtThirtySeconds()
    {
        var backoff = new RestartBackoff();

        var delays = Enumerable.Range(0, 64).Select(_ => backoff.Next(TimeSpan.FromSeconds(1))).ToList();

        Assert.That(delays, Has.All.LessThanOrEqualTo(RestartBackoff.Max));
        Assert.That(delays[9], Is.EqualTo(RestartBackoff.Max), "100 ms << 9 is over 30 s");
        Assert.That(delays[^1], Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(delays, Is.Ordered);
    }

    [Test]
    public void Next_AfterAStableMinute_StartsOver()
    {
        var backoff = new RestartBackoff();
        for (var i = 0; i < 6; i++) backoff.Next(TimeSpan.Zero);

        var afterStableRun = backoff.Next(RestartBackoff.StableAfter);
        var justShort = backoff.Next(RestartBackoff.StableAfter - TimeSpan.FromTicks(1));

        Assert.That(afterStableRun, Is.EqualTo(RestartBackoff.Initial));
        Assert.That(justShort, Is.EqualTo(RestartBackoff.Initial * 2));
    }
}
