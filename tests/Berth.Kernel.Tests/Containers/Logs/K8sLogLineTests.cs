using System.Text;
using Berth.Kernel.Containers.Logs;

namespace Berth.Kernel.Tests.Containers.Logs;

public class K8sLogLineTests
{
    /// <summary>2024-05-01T10:00:00Z.</summary>
    private const long May1st10h = 1_714_557_600L * 1_000_000_000L;

    private static (bool Ok, long TimeNano, bool Stderr, bool Partial, string Text) Parse(string line)
    {
        var cache = new K8sLogLine.TimestampCache();
        return Parse(line, ref cache);
    }

    private static (bool Ok, long TimeNano, bool Stderr, bool Partial, string Text) Parse(string line, ref K8sLogLine.TimestampCache cache)
    {
        var ok = K8sLogLine.TryParse(Encoding.UTF8.GetBytes(line), ref cache, out var time, out var stderr, out var partial, out var text);
        return (ok, time, stderr, partial, Encoding.UTF8.GetString(text));
    }

    [Test]
    public void TryParse_FullStdoutLine_SplitsItsParts()
    {
        var line = Parse("2024-05-01T10:00:00.000000000+00:00 stdout F hello world");

        Assert.That(line, Is.EqualTo((true, May1st10h, false, false, "hello world")));
    }

    [Test]
    public void TryParse_StderrLine_IsMarkedStderr()
    {
        var line = Parse("2024-05-01T10:00:00.000000000+00:00 stderr F boom");

        Assert.Multiple(() =>
        {
            Assert.That(line.Ok, Is.True);
            Assert.That(line.Stderr, Is.True);
            Assert.That(line.Text, Is.EqualTo("boom"));
        });
    }

    [Test]
    public void TryParse_PartialRecord_IsMarkedPartial()
    {
        var line = Parse("2024-05-01T10:00:00.000000000+00:00 stdout P first half of a long line");

        Assert.Multiple(() =>
        {
            Assert.That(line.Partial, Is.True);
            Assert.That(line.Text, Is.EqualTo("first half of a long line"));
        });
    }

    [Test]
    public void TryParse_TextWithSpaces_IsKeptWhole()
    {
        Assert.That(Parse("2024-05-01T10:00:00Z stdout F  two  spaces ").Text, Is.EqualTo(" two  spaces "));
    }

    [Test]
    public void TryParse_EmptyFullLine_HasNoText()
    {
        var withSpace = Parse("2024-05-01T10:00:00Z stdout F ");
        var withoutSpace = Parse("2024-05-01T10:00:00Z stdout F");

        Assert.Multiple(() =>
        {
            Assert.That(withSpace.Ok, Is.True);
            Assert.That(withSpace.Text, Is.Empty);
            Assert.That(withoutSpace.Ok, Is.True);
            Assert.That(withoutSpace.Text, Is.Empty);
            Assert.That(withoutSpace.Partial, Is.False);
        });
    }

    [TestCase("2024-05-01T10:00:00.123456789+00:00", 123_456_789L)]
    [TestCase("2024-05-01T10:00:00.000000001+00:00", 1L)]
    [TestCase("2024-05-01T10:00:00.999999999+00:00", 999_999_999L)]
    [TestCase("2024-05-01T10:00:00.100000050+00:00", 100_000_050L)]
    [TestCase("2024-05-01T10:00:00.000000099+00:00", 99L)]
    public void TryParse_NineFractionDigits_GiveExactNanoseconds(string stamp, long nanos)
    {
        Assert.That(Parse(stamp + " stdout F x").TimeNano, Is.EqualTo(May1st10h + nanos));
    }

    [TestCase("2024-05-01T10:00:00.1234567+00:00", 123_456_700L)]
    [TestCase("2024-05-01T10:00:00.5Z", 500_000_000L)]
    [TestCase("2024-05-01T10:00:00Z", 0L)]
    public void TryParse_ShorterFractions_AreExact(string stamp, long nanos)
    {
        Assert.That(Parse(stamp + " stdout F x").TimeNano, Is.EqualTo(May1st10h + nanos));
    }

    [Test]
    public void TryParse_OffsetTimestamp_IsConvertedToUtc()
    {
        Assert.That(Parse("2024-05-01T12:00:00.000000007+02:00 stdout F x").TimeNano, Is.EqualTo(May1st10h + 7));
    }

    [Test]
    public void TryParse_UnparsableTimestamp_StillSplitsTheLineWithTimeZero()
    {
        var line = Parse("yesterday stdout F text");

        Assert.That(line, Is.EqualTo((true, 0L, false, false, "text")));
    }

    [TestCase("")]
    [TestCase("no-space-at-all")]
    [TestCase(" stdout F leading space")]
    [TestCase("2024-05-01T10:00:00Z stdin F x")]
    [TestCase("2024-05-01T10:00:00Z stdout")]
    [TestCase("2024-05-01T10:00:00Z stdout ")]
    [TestCase("2024-05-01T10:00:00Z STDOUT F x")]
    public void TryParse_MalformedLine_ReturnsFalse(string line)
    {
        Assert.That(Parse(line).Ok, Is.False);
    }

    [Test]
    public void TimestampCache_SameStampTwice_ReturnsTheSameValue()
    {
        var cache = new K8sLogLine.TimestampCache();
        var first = cache.Parse("2024-05-01T10:00:00.123456789+00:00"u8);

        var again = cache.Parse(Encoding.ASCII.GetBytes("2024-05-01T10:00:00.123456789+00:00"));

        Assert.That(again, Is.EqualTo(first));
    }

    [Test]
    public void TimestampCache_NewStamp_IsParsedNotTakenFromTheCache()
    {
        var cache = new K8sLogLine.TimestampCache();
        var first = Parse("2024-05-01T10:00:00.000000001+00:00 stdout F a", ref cache);
        var second = Parse("2024-05-01T10:00:01.000000002+00:00 stdout F b", ref cache);
        var back = Parse("2024-05-01T10:00:00.000000001+00:00 stdout F c", ref cache);

        Assert.Multiple(() =>
        {
            Assert.That(first.TimeNano, Is.EqualTo(May1st10h + 1));
            Assert.That(second.TimeNano, Is.EqualTo(May1st10h + 1_000_000_002));
            Assert.That(back.TimeNano, Is.EqualTo(first.TimeNano));
        });
    }

    [Test]
    public void TimestampCache_CallersBufferReused_DoesNotCorruptTheCache()
    {
        var cache = new K8sLogLine.TimestampCache();
        var buffer = Encoding.ASCII.GetBytes("2024-05-01T10:00:00.000000001+00:00");
        var first = cache.Parse(buffer);

        Encoding.ASCII.GetBytes("2024-05-01T10:00:05.000000001+00:00").CopyTo(buffer, 0);
        var second = cache.Parse(buffer);

        Assert.That(second - first, Is.EqualTo(5_000_000_000L));
    }
}
