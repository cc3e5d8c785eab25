using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Security;
using Berth.Sdk;

namespace Berth.Plugins.Tests.Swarmkit.Security;

public class NodeCertificateExpiryTests
{
    private static SwarmSpec WithExpiry(string caConfig) => new() { CAConfig = JsonDocument.Parse(caConfig).RootElement.Clone() };

    [Test]
    public void Of_NoCaConfigOrZero_NinetyDays()
    {
        Assert.That(NodeCertificateExpiry.Of(new SwarmSpec()), Is.EqualTo(TimeSpan.FromDays(90)));
        Assert.That(NodeCertificateExpiry.Of(WithExpiry("""{"NodeCertExpiry":0}""")), Is.EqualTo(TimeSpan.FromDays(90)));
    }

    [Test]
    public void Of_NanosecondsInSpec_ThatDuration()
    {
        var twoHours = TimeSpan.FromHours(2).Ticks * 100;

        Assert.That(NodeCertificateExpiry.Of(WithExpiry($$"""{"NodeCertExpiry":{{twoHours}}}""")), Is.EqualTo(TimeSpan.FromHours(2)));
    }

    [Test]
    public void Validate_BelowAnHour_RefusedWithSwarmkitsMessage()
    {
        var halfHour = TimeSpan.FromMinutes(30).Ticks * 100;

        var e = Assert.Throws<BerthException>(() => NodeCertificateExpiry.Validate(WithExpiry($$"""{"NodeCertExpiry":{{halfHour}}}""")));

        Assert.That(e!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(e.Message, Is.EqualTo("minimum certificate expiry time is: 1h0m0s"));
    }

    [Test]
    public void Validate_AnHourOrUnset_Accepted()
    {
        Assert.DoesNotThrow(() => NodeCertificateExpiry.Validate(WithExpiry($$"""{"NodeCertExpiry":{{TimeSpan.FromHours(1).Ticks * 100}}}""")));
        Assert.DoesNotThrow(() => NodeCertificateExpiry.Validate(new SwarmSpec()));
    }

    [TestCase(0.0, 50)]
    [TestCase(0.5, 65)]
    [TestCase(1.0, 80)]
    public void RenewalDue_Fraction_BetweenHalfAndFourFifthsOfTheLifetime(double fraction, int percent)
    {
        var notBefore = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var due = NodeCertificateExpiry.RenewalDue(notBefore, notBefore.AddDays(100), fraction);

        Assert.That(due, Is.EqualTo(notBefore.AddDays(percent)));
    }
}
