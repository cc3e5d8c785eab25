using Berth.Kernel.Links;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Links;

public class LinkSpecTests
{
    [TestCase("db:database", "db", "database")]
    [TestCase("db", "db", "db")]
    [TestCase("/db:/web/database", "db", "database")]
    public void Parse_AcceptedForm_GivesNameAndAlias(string value, string name, string alias) =>
        Assert.That(LinkSpec.Parse(value), Is.EqualTo(new LinkSpec(name, alias)));

    [TestCase("", "empty string specified for links")]
    [TestCase("link:alias:wrong", "bad format for links: link:alias:wrong")]
    public void Parse_BadValue_ThrowsInvalidWithMobysMessage(string value, string message)
    {
        var error = Assert.Throws<BerthException>(() => LinkSpec.Parse(value))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Is.EqualTo(message));
        });
    }

    [Test]
    public void FormatForInspect_ChildAndLinkName_JoinsWithColon() =>
        Assert.That(LinkSpec.FormatForInspect("/db", "/web/database"), Is.EqualTo("/db:/web/database"));
}
