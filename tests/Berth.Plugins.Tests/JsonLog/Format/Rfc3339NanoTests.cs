using System.Text;
using Berth.Plugins.JsonLog.Format;

namespace Berth.Plugins.Tests.JsonLog.Format;

public class Rfc3339NanoTests
{
    private const long May1 = 1_714_557_600_000_000_000;

    [TestCase(0L, "2024-05-01T10:00:00Z")]
    [TestCase(1L, "2024-05-01T10:00:00.000000001Z")]
    [TestCase(120_000_000L, "2024-05-01T10:00:00.12Z")]
    [TestCase(999_999_999L, "2024-05-01T10:00:00.999999999Z")]
    public void Format_Nanoseconds_TrimsTrailingZerosAsGo(long offset, string expected)
    {
        Assert.That(Rfc3339Nano.Format(May1 + offset), Is.EqualTo(expected));
    }

    [Test]
    public void Format_BeforeTheEpoch_CountsBackwards()
    {
        Assert.That(Rfc3339Nano.Format(-1), Is.EqualTo("1969-12-31T23:59:59.999999999Z"));
    }

    [Test]
    public void TimestampCache_SameSecond_FormatsLikeFormat()
    {
        var cache = new TimestampCache();
        var buffer = new byte[Rfc3339Nano.MaxLength];
        foreach (var nanos in new[] { May1 + 5, May1 + 7, May1 + 1_000_000_000, May1 })
            Assert.That(Encoding.ASCII.GetString(buffer, 0, cache.Format(nanos, buffer)), Is.EqualTo(Rfc3339Nano.Format(nanos)));
    }

    [TestCase("2024-05-01T10:00:00Z", 0L)]
    [TestCase("2024-05-01T10:00:00.5Z", 500_000_000L)]
    [TestCase("2024-05-01T10:00:00.1234567891Z", 123_456_789L)]
    [TestCase("2024-05-01T12:00:00.000000001+02:00", 1L)]
    [TestCase("2024-05-01T09:30:00-00:30", 0L)]
    public void TryParse_Rfc3339_ReturnsUnixNanoseconds(string text, long offset)
    {
        Assert.That(Rfc3339Nano.TryParse(Encoding.ASCII.GetBytes(text), out var nanos), Is.True);
        Assert.That(nanos, Is.EqualTo(May1 + offset));
    }

    [TestCase("2024-05-01 10:00:00Z")]
    [TestCase("2024-13-01T10:00:00Z")]
    [TestCase("2024-02-30T10:00:00Z")]
    [TestCase("2024-05-01T10:00:00.Z")]
    [TestCase("2024-05-01T10:00:00")]
    [TestCase("2024-05-01T10:00:00+2:00")]
    public void TryParse_Malformed_ReturnsFalse(string text)
    {
        Assert.That(Rfc3339Nano.TryParse(Encoding.ASCII.GetBytes(text), out _), Is.False);
    }
}
