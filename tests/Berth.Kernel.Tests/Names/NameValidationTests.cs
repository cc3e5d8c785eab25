using Berth.Kernel.Names;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Names;

public class NameValidationTests
{
    [TestCase("web", "/web")]
    [TestCase("/web", "/web")]
    [TestCase("a1", "/a1")]
    [TestCase("My_app.v2-test", "/My_app.v2-test")]
    [TestCase("0abc", "/0abc")]
    public void Validate_AllowedName_ReturnsSlashPrefixedForm(string name, string expected) =>
        Assert.That(NameRegistry.Validate(name), Is.EqualTo(expected));

    [TestCase("a")]
    [TestCase("/a")]
    [TestCase("")]
    [TestCase("-web")]
    [TestCase("_web")]
    [TestCase(".web")]
    [TestCase("we b")]
    [TestCase("web/db")]
    [TestCase("//web")]
    [TestCase("web\n")]
    [TestCase("wéb")]
    public void Validate_ForbiddenName_ThrowsInvalidWithDockersMessage(string name)
    {
        var error = Assert.Throws<BerthException>(() => NameRegistry.Validate(name))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Is.EqualTo($"Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"));
        });
    }
}
