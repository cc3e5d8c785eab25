using Berth.Plugins.Swarmkit.Security;

namespace Berth.Plugins.Tests.Swarmkit.Security;

public class UnlockKeyTests
{
    [Test]
    public void Generate_Key_HasDockerFormat()
    {
        Assert.That(UnlockKey.Generate().ToString(), Does.Match("^SWMKEY-1-[A-Za-z0-9+/]{43}$"));
    }

    [Test]
    public void Generate_Twice_GivesDifferentKeys()
    {
        Assert.That(UnlockKey.Generate().Matches(UnlockKey.Generate()), Is.False);
    }

    [Test]
    public void Parse_GeneratedKey_RoundTrips()
    {
        var key = UnlockKey.Generate();

        var parsed = UnlockKey.Parse(key.ToString());

        Assert.That(parsed.ToString(), Is.EqualTo(key.ToString()));
        Assert.That(parsed.Matches(key), Is.True);
    }

    [Test]
    public void Parse_KnownKey_DecodesThe32Bytes()
    {
        var text = "SWMKEY-1-" + Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()).TrimEnd('=');

        Assert.That(UnlockKey.Parse(text).ToString(), Is.EqualTo(text));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("SWMKEY-1-")]
    [TestCase("SWMKEY-2-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")]
    [TestCase("SWMKEY-1-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")]
    [TestCase("SWMKEY-1-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh")]
    [TestCase("SWMKEY-1-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh*")]
    [TestCase("SWMTKN-1-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")]
    public void Parse_Malformed_ThrowsInvalidUnlockKey(string? text)
    {
        var error = Assert.Throws<InvalidUnlockKeyException>(() => UnlockKey.Parse(text));

        Assert.That(error!.Message, Is.EqualTo("invalid unlock key"));
    }
}
