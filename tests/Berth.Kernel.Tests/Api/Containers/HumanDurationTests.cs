using Berth.Kernel.Api.Containers;

namespace Berth.Kernel.Tests.Api.Containers;

/// <summary>Expected strings follow go-units' HumanDuration, which docker ps prints after "Up " and "Exited (0) ".</summary>
public class HumanDurationTests
{
    private static string Of(double seconds) => HumanDuration.Of(TimeSpan.FromSeconds(seconds));

    [TestCase(0, "Less than a second")]
    [TestCase(0.999, "Less than a second")]
    [TestCase(-5, "Less than a second")]
    [TestCase(1, "1 second")]
    [TestCase(1.9, "1 second")]
    [TestCase(2, "2 seconds")]
    [TestCase(59.9, "59 seconds")]
    public void Of_UnderAMinute_CountsWholeSeconds(double seconds, string expected) => Assert.That(Of(seconds), Is.EqualTo(expected));

    [TestCase(60, "About a minute")]
    [TestCase(119, "About a minute")]
    [TestCase(120, "2 minutes")]
    [TestCase(59 * 60 + 59, "59 minutes")]
    public void Of_UnderAnHour_CountsWholeMinutes(double seconds, string expected) => Assert.That(Of(seconds), Is.EqualTo(expected));

    [TestCase(60 * 60, "About an hour")]
    [TestCase(89 * 60, "About an hour")]
    [TestCase(90 * 60, "2 hours")]
    [TestCase(47 * 3600, "47 hours")]
    public void Of_UnderTwoDays_CountsRoundedHours(double seconds, string expected) => Assert.That(Of(seconds), Is.EqualTo(expected));

    /// <summary>go-units rounds with int(d.Hours() + 0.5): a half hour always rounds up.</summary>
    [TestCase(2.5, "3 hours")]
    [TestCase(4.5, "5 hours")]
    public void Of_ExactlyHalfAnHourOver_RoundsUpLikeGo(double hours, string expected) =>
        Assert.That(HumanDuration.Of(TimeSpan.FromHours(hours)), Is.EqualTo(expected));

    [TestCase(48, "2 days")]
    [TestCase(24 * 13 + 23, "13 days")]
    [TestCase(24 * 14, "2 weeks")]
    [TestCase(24 * 59, "8 weeks")]
    [TestCase(24 * 60, "2 months")]
    [TestCase(24 * 729, "24 months")]
    [TestCase(24 * 730, "2 years")]
    [TestCase(24 * 365 * 10, "10 years")]
    public void Of_LongerSpans_UseDaysWeeksMonthsAndYears(double hours, string expected) =>
        Assert.That(HumanDuration.Of(TimeSpan.FromHours(hours)), Is.EqualTo(expected));
}
