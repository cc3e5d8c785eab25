using System.Text;
using Berth.Plugins.JsonLog.Writing;
using Berth.Sdk.Logging;

namespace Berth.Plugins.Tests.JsonLog.Writing;

public class ReplayFilterTests
{
    private const long T1 = 1_764_000_000_000_000_001;
    private const long T2 = 1_764_000_000_500_000_000;
    private const long T3 = 1_764_000_001_000_000_000;

    private static string Line(string text, long nanos) =>
        $"{{\"log\":\"{text}\\n\",\"stream\":\"stdout\",\"time\":\"{DateTimeOffset.FromUnixTimeMilliseconds(nanos / 1_000_000).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss}.{nanos % 1_000_000_000:D9}Z\"}}\n";

    private static bool Admit(ReplayFilter filter, long nanos) =>
        filter.Admit(new LogEntryView("stdout"u8, nanos, "x"u8, false));

    [Test]
    public void Admit_ResentEntries_AreDroppedUntilTheFirstNewOne()
    {
        var filter = ReplayFilter.FromTail(Encoding.UTF8.GetBytes(Line("a", T1) + Line("b", T2) + Line("c", T2)));

        var admitted = new[] { T1, T2, T2, T2, T3, T1 }.Select(t => Admit(filter, t)).ToList();

        // T1 and the two T2 entries are in the log; the third T2 is new, and from there everything passes.
        Assert.That(admitted, Is.EqualTo(new[] { false, false, false, true, true, true }));
    }

    [Test]
    public void Admit_NewerThanTheLog_PassesAtOnce()
    {
        var filter = ReplayFilter.FromTail(Encoding.UTF8.GetBytes(Line("a", T1)));

        Assert.That(Admit(filter, T2), Is.True);
        Assert.That(Admit(filter, T1), Is.True, "disarmed after the first new entry");
    }

    [Test]
    public void Admit_EmptyLog_PassesEverything()
    {
        var filter = ReplayFilter.FromTail([]);

        Assert.That(Admit(filter, T1), Is.True);
    }

    [Test]
    public void ForLog_MissingFile_PassesEverything()
    {
        var filter = ReplayFilter.ForLog(Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "x-json.log"));

        Assert.That(Admit(filter, T1), Is.True);
    }
}
