using Berth.Kernel.Api;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Api;

public class TimestampsTests
{
    [Test]
    public void Parse_UnixSeconds_IsThatInstant()
    {
        Assert.That(Timestamps.Parse("1700000000", "since"), Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)));
    }

    [TestCase("1700000000.5", 5_000_000)]
    [TestCase("1700000000.000000100", 1)]
    [TestCase("1700000000.123456789", 1_234_567)]
    public void Parse_UnixSecondsWithFraction_AddsTheFraction(string text, long ticks)
    {
        Assert.That(Timestamps.Parse(text, "since"), Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).AddTicks(ticks)));
    }

    [Test]
    public void Parse_Rfc3339_IsThatInstant()
    {
        Assert.That(Timestamps.Parse("2024-03-01T10:20:30.5Z", "until"),
            Is.EqualTo(new DateTimeOffset(2024, 3, 1, 10, 20, 30, 500, TimeSpan.Zero)));
        Assert.That(Timestamps.Parse("2024-03-01T12:20:30+02:00", "until"),
            Is.EqualTo(new DateTimeOffset(2024, 3, 1, 10, 20, 30, TimeSpan.Zero)));
    }

    [TestCase(null)]
    [TestCase("")]
    public void Parse_Nothing_IsNull(string? text)
    {
        Assert.That(Timestamps.Parse(text, "since"), Is.Null);
    }

    [TestCase("yesterday")]
    [TestCase("1700000000.abc")]
    public void Parse_Garbage_ThrowsInvalidParameterNamingTheParameter(string text)
    {
        var ex = Assert.Throws<BerthException>(() => Timestamps.Parse(text, "since"))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Does.StartWith($"invalid value for since: {text}"));
    }
}
