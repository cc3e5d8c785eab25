using Berth.Kernel.Api;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Api;

public class FilterArgsTests
{
    [Test]
    public void Parse_MapOfSets_KeepsTrueMembers()
    {
        var filters = FilterArgs.Parse("""{"type":{"container":true,"network":true,"image":false},"label":{"a=b":true}}""");

        Assert.That(filters["type"], Is.EquivalentTo(new[] { "container", "network" }));
        Assert.That(filters["label"], Is.EqualTo(new[] { "a=b" }));
    }

    [Test]
    public void Parse_MapOfLists_KeepsAllMembers()
    {
        var filters = FilterArgs.Parse("""{"type":["container","image"],"event":["start"]}""");

        Assert.That(filters["type"], Is.EqualTo(new[] { "container", "image" }));
        Assert.That(filters["event"], Is.EqualTo(new[] { "start" }));
    }

    [Test]
    public void Parse_SingleString_IsAOneMemberList()
    {
        Assert.That(FilterArgs.Parse("""{"plugin":"json-log"}""")["plugin"], Is.EqualTo(new[] { "json-log" }));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    [TestCase("{}")]
    public void Parse_NothingGiven_IsEmpty(string? text)
    {
        Assert.That(FilterArgs.Parse(text), Is.Empty);
    }

    [TestCase("{\"type\":", "invalid filters: ")]
    [TestCase("[\"type\"]", "expected a JSON object")]
    [TestCase("{\"type\":3}", "bad value for \"type\"")]
    public void Parse_Malformed_ThrowsInvalidParameter(string text, string problem)
    {
        var ex = Assert.Throws<BerthException>(() => FilterArgs.Parse(text))!;

        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Does.Contain(problem));
    }
}
