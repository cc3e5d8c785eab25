using System.Text;
using Berth.Kernel.Images.Distribution;

namespace Berth.Kernel.Tests.Images.Distribution;

public class BearerTokenTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static BearerToken Parse(string json) => BearerToken.Parse(Encoding.UTF8.GetBytes(json), Now);

    [Test]
    public void Parse_TokenWithLifetime_ExpiresThen()
    {
        var token = Parse("{\"token\":\"t1\",\"expires_in\":300}");

        Assert.Multiple(() =>
        {
            Assert.That(token.Token, Is.EqualTo("t1"));
            Assert.That(token.ExpiresAt, Is.EqualTo(Now.AddSeconds(300)));
            Assert.That(token.IsValidAt(Now.AddSeconds(290)), Is.True);
            Assert.That(token.IsValidAt(Now.AddSeconds(299)), Is.False);
        });
    }

    [Test]
    public void Parse_AccessTokenWithoutOrShortLifetime_LastsAMinute()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Parse("{\"access_token\":\"t2\"}").ExpiresAt, Is.EqualTo(Now.AddSeconds(60)));
            Assert.That(Parse("{\"token\":\"t3\",\"expires_in\":5}").ExpiresAt, Is.EqualTo(Now.AddSeconds(60)));
        });
    }

    [Test]
    public void Parse_IssuedAt_CountsFromIt() =>
        Assert.That(Parse("{\"token\":\"t\",\"expires_in\":120,\"issued_at\":\"2025-01-01T11:59:00Z\"}").ExpiresAt, Is.EqualTo(Now.AddSeconds(60)));

    [TestCase("{}")]
    [TestCase("{\"token\":\"\"}")]
    [TestCase("not json")]
    public void Parse_NoToken_Throws(string json) => Assert.Throws<FormatException>(() => Parse(json));
}
