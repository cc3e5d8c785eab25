using Berth.Plugins.Swarmkit.Security;

namespace Berth.Plugins.Tests.Swarmkit.Security;

public class JoinTokenTests
{
    private const string Digest = "1w6hqbo1pmfmkgcpbxnfr5a0zq6ra6ah7jgqsm7vsa9ipg5gmq";

    [Test]
    public void Generate_Digest_HasSwarmkitFormat()
    {
        var token = JoinToken.Generate(Digest);

        Assert.That(token.ToString(), Does.Match($"^SWMTKN-1-{Digest}-[0-9a-z]{{25}}$"));
        Assert.That(token.CaDigest, Is.EqualTo(Digest));
    }

    [Test]
    public void Generate_Twice_GivesDifferentSecrets()
    {
        Assert.That(JoinToken.Generate(Digest).Secret, Is.Not.EqualTo(JoinToken.Generate(Digest).Secret));
    }

    [Test]
    public void Generate_DigestOfACa_EmbedsIt()
    {
        using var ca = ClusterRootCa.Create(TimeProvider.System);

        Assert.That(JoinToken.Generate(ca.Digest).ToString(), Does.StartWith($"SWMTKN-1-{ca.Digest}-"));
    }

    [Test]
    public void Generate_MalformedDigest_ThrowsArgumentException()
    {
        Assert.That(() => JoinToken.Generate("abc"), Throws.ArgumentException);
    }

    [Test]
    public void Parse_GeneratedToken_RoundTrips()
    {
        var token = JoinToken.Generate(Digest);

        var parsed = JoinToken.Parse(token.ToString());

        Assert.That(parsed, Is.EqualTo(token));
        Assert.That(parsed.ToString(), Is.EqualTo(token.ToString()));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("SWMTKN-1-")]
    [TestCase("SWMTKN-2-1-" + Digest + "-0123456789abcdefghijklmno")]
    [TestCase("SWMTKN-1-" + Digest + "-0123456789abcdefghijklmn")]
    [TestCase("SWMTKN-1-" + Digest + "-0123456789abcdefghijklmnop")]
    [TestCase("SWMTKN-1-" + Digest + "-0123456789ABCDEFGHIJKLMNO")]
    [TestCase("SWMTKN-1-" + Digest + "-0123456789abcdefghijklmno-extra")]
    [TestCase("SWMTKN-1-1w6hqbo1pmfmkgcpbxnfr5a0zq6ra6ah7jgqsm7vsa9ipg5gm-0123456789abcdefghijklmno")]
    [TestCase("swmtkn-1-" + Digest + "-0123456789abcdefghijklmno")]
    [TestCase(" SWMTKN-1-" + Digest + "-0123456789abcdefghijklmno")]
    public void Parse_Malformed_ThrowsInvalidJoinToken(string? text)
    {
        var error = Assert.Throws<InvalidJoinTokenException>(() => JoinToken.Parse(text));

        Assert.That(error!.Message, Is.EqualTo("invalid join token"));
        Assert.That(JoinToken.TryParse(text, out _), Is.False);
    }

    [Test]
    public void Rotate_Token_KeepsTheDigestAndChangesTheSecret()
    {
        var token = JoinToken.Generate(Digest);

        var rotated = token.Rotate();

        Assert.That(rotated.CaDigest, Is.EqualTo(token.CaDigest));
        Assert.That(rotated.Secret, Is.Not.EqualTo(token.Secret));
    }
}
