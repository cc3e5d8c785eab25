using Berth.Kernel.Plugins.V1;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Plugins.V1;

public class V1ErrorsTests
{
    [TestCase(400, BerthErrorKind.InvalidParameter)]
    [TestCase(401, BerthErrorKind.Unauthorized)]
    [TestCase(403, BerthErrorKind.Forbidden)]
    [TestCase(404, BerthErrorKind.NotImplemented)]
    [TestCase(409, BerthErrorKind.Conflict)]
    [TestCase(500, BerthErrorKind.System)]
    [TestCase(501, BerthErrorKind.NotImplemented)]
    [TestCase(502, BerthErrorKind.System)]
    [TestCase(503, BerthErrorKind.Unavailable)]
    [TestCase(504, BerthErrorKind.Timeout)]
    public void KindOf_PluginStatus_MapsToDockerErrorClass(int status, BerthErrorKind expected) =>
        Assert.That(V1Errors.KindOf(status), Is.EqualTo(expected));

    [Test]
    public void FromStatus_EmptyBody_NamesTheStatus()
    {
        var ex = V1Errors.FromStatus("foo", "LogDriver.StartLogging", 500, []);

        Assert.That(ex.Message, Is.EqualTo("plugin foo: LogDriver.StartLogging: HTTP status 500"));
    }

    [Test]
    public void MessageOf_LowerCaseErrKey_IsRead() =>
        Assert.That(V1Errors.MessageOf("{\"err\":\"  boom \"}"u8), Is.EqualTo("boom"));

    [Test]
    public void MessageOf_JsonWithoutErr_UsesTheBody() =>
        Assert.That(V1Errors.MessageOf("{\"x\":1}"u8), Is.EqualTo("{\"x\":1}"));
}
