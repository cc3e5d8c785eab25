using Berth.Kernel.Images.Distribution;

namespace Berth.Kernel.Tests.Images.Distribution;

public class AuthChallengeTests
{
    [Test]
    public void Parse_DockerHubBearer_ReadsRealmServiceAndScope()
    {
        var challenges = AuthChallenge.Parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"");

        Assert.That(challenges, Has.Count.EqualTo(1));
        var challenge = challenges[0];
        Assert.Multiple(() =>
        {
            Assert.That(challenge.IsBearer, Is.True);
            Assert.That(challenge.Parameter("realm"), Is.EqualTo("https://auth.docker.io/token"));
            Assert.That(challenge.Parameter("service"), Is.EqualTo("registry.docker.io"));
            Assert.That(challenge.Parameter("scope"), Is.EqualTo("repository:library/busybox:pull"));
        });
    }

    [Test]
    public void Parse_Basic_ReadsTheRealm()
    {
        var challenge = AuthChallenge.Parse("Basic realm=\"Registry Realm\"").Single();

        Assert.Multiple(() =>
        {
            Assert.That(challenge.IsBasic, Is.True);
            Assert.That(challenge.Parameter("realm"), Is.EqualTo("Registry Realm"));
        });
    }

    [Test]
    public void Parse_SeveralChallenges_ReturnsEachWithItsParameters()
    {
        var challenges = AuthChallenge.Parse("Basic realm=\"r1\", Bearer realm=\"https://t/token\", service=\"s\"");

        Assert.Multiple(() =>
        {
            Assert.That(challenges.Select(c => c.Scheme), Is.EqualTo(new[] { "Basic", "Bearer" }));
            Assert.That(challenges[0].Parameters, Has.Count.EqualTo(1));
            Assert.That(challenges[1].Parameter("service"), Is.EqualTo("s"));
        });
    }

    [Test]
    public void Parse_UnquotedValuesCaseAndEscapes_AreHandled()
    {
        var challenge = AuthChallenge.Parse("bearer  Realm = https://t:8443/token , error=\"insufficient_scope\", note=\"a \\\"quoted\\\" word\"").Single();

        Assert.Multiple(() =>
        {
            Assert.That(challenge.IsBearer, Is.True);
            Assert.That(challenge.Parameter("realm"), Is.EqualTo("https://t:8443/token"));
            Assert.That(challenge.Parameter("error"), Is.EqualTo("insufficient_scope"));
            Assert.That(challenge.Parameter("note"), Is.EqualTo("a \"quoted\" word"));
        });
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void Parse_Empty_ReturnsNoChallenge(string? header) => Assert.That(AuthChallenge.Parse(header), Is.Empty);

    [TestCase("\"=,,= Bearer realm=\"unterminated")]
    [TestCase("Bearer realm=\"unterminated")]
    [TestCase("Bearer realm=\"x\" service=\"y\" =")]
    [TestCase("Bearer =,=")]
    public void Parse_Garbage_DoesNotThrowOrLoop(string header) =>
        Assert.That(() => AuthChallenge.Parse(header), Throws.Nothing);
}
