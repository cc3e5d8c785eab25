using System.Text.Json.Nodes;
using Berth.Kernel.Containers;

namespace Berth.Kernel.Tests.Containers;

public class RestartPolicyTests
{
    private static JsonObject Host(string name, int maxRetries = 0) =>
        new() { ["RestartPolicy"] = new JsonObject { ["Name"] = name, ["MaximumRetryCount"] = maxRetries } };

    [TestCase("no", 0, false)]
    [TestCase("no", 1, false)]
    [TestCase("always", 0, true)]
    [TestCase("always", 137, true)]
    [TestCase("unless-stopped", 0, true)]
    [TestCase("unless-stopped", 1, true)]
    [TestCase("on-failure", 0, false)]
    [TestCase("on-failure", 1, true)]
    [TestCase("on-failure", -1, true)]
    public void ShouldRestart_ExitNotManuallyStopped_FollowsThePolicy(string policy, int exitCode, bool expected)
    {
        Assert.That(RestartPolicy.ShouldRestart(Host(policy), exitCode, manuallyStopped: false, restartCount: 0), Is.EqualTo(expected));
    }

    [TestCase("always")]
    [TestCase("unless-stopped")]
    [TestCase("on-failure")]
    public void ShouldRestart_ManuallyStopped_NeverRestarts(string policy)
    {
        Assert.That(RestartPolicy.ShouldRestart(Host(policy), 1, manuallyStopped: true, restartCount: 0), Is.False);
    }

    [Test]
    public void ShouldRestart_NoRestartPolicyObject_MeansNo()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RestartPolicy.ShouldRestart([], 1, manuallyStopped: false, restartCount: 0), Is.False);
            Assert.That(RestartPolicy.ShouldRestart(new JsonObject { ["RestartPolicy"] = new JsonObject() }, 1, false, 0), Is.False);
        });
    }

    [Test]
    public void ShouldRestart_OnFailureWithMaxRetries_StopsOnceTheCountIsReached()
    {
        var host = Host("on-failure", maxRetries: 3);

        Assert.Multiple(() =>
        {
            Assert.That(RestartPolicy.ShouldRestart(host, 1, false, restartCount: 0), Is.True);
            Assert.That(RestartPolicy.ShouldRestart(host, 1, false, restartCount: 2), Is.True);
            Assert.That(RestartPolicy.ShouldRestart(host, 1, false, restartCount: 3), Is.False);
            Assert.That(RestartPolicy.ShouldRestart(host, 1, false, restartCount: 4), Is.False);
        });
    }

    [Test]
    public void ShouldRestart_OnFailureWithoutMaxRetries_RestartsForever()
    {
        Assert.That(RestartPolicy.ShouldRestart(Host("on-failure"), 2, false, restartCount: 10_000), Is.True);
    }

    [Test]
    public void ShouldRestart_AlwaysIgnoresTheRetryCount()
    {
        Assert.That(RestartPolicy.ShouldRestart(Host("always", maxRetries: 1), 0, false, restartCount: 50), Is.True);
    }

    [Test]
    public void ShouldRestart_NullHost_Throws() =>
        Assert.Throws<ArgumentNullException>(() => RestartPolicy.ShouldRestart(null!, 1, false, 0));

    [Test]
    public void NextDelay_FirstRestart_Is100Milliseconds()
    {
        Assert.That(RestartPolicy.NextDelay(TimeSpan.Zero, TimeSpan.FromSeconds(1)), Is.EqualTo(TimeSpan.FromMilliseconds(100)));
    }

    [Test]
    public void NextDelay_QuickExits_DoubleTheDelay()
    {
        var delay = TimeSpan.Zero;
        var seen = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            delay = RestartPolicy.NextDelay(delay, TimeSpan.FromMilliseconds(50));
            seen.Add(delay);
        }

        Assert.That(seen, Is.EqualTo(new[] { 100, 200, 400, 800, 1600 }.Select(ms => TimeSpan.FromMilliseconds(ms))));
    }

    [Test]
    public void NextDelay_Doubling_IsCappedAtOneMinute()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RestartPolicy.NextDelay(TimeSpan.FromSeconds(25.6), TimeSpan.Zero), Is.EqualTo(TimeSpan.FromSeconds(51.2)));
            Assert.That(RestartPolicy.NextDelay(TimeSpan.FromSeconds(51.2), TimeSpan.Zero), Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(RestartPolicy.NextDelay(TimeSpan.FromMinutes(1), TimeSpan.Zero), Is.EqualTo(TimeSpan.FromMinutes(1)));
        });
    }

    [Test]
    public void NextDelay_AfterAStableRunOfTenSeconds_ResetsTo100Milliseconds()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RestartPolicy.NextDelay(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10)), Is.EqualTo(TimeSpan.FromMilliseconds(100)));
            Assert.That(RestartPolicy.NextDelay(TimeSpan.FromSeconds(3.2), TimeSpan.FromHours(2)), Is.EqualTo(TimeSpan.FromMilliseconds(100)));
        });
    }

    [Test]
    public void NextDelay_RunJustUnderTenSeconds_KeepsDoubling()
    {
        Assert.That(RestartPolicy.NextDelay(TimeSpan.FromSeconds(1.6), TimeSpan.FromSeconds(9.999)), Is.EqualTo(TimeSpan.FromSeconds(3.2)));
    }
}
