using Berth.Plugins.JsonLog.Options;
using Berth.Sdk;
using Berth.Sdk.Logging;

namespace Berth.Plugins.Tests.JsonLog.Options;

public class LogTagTests
{
    [TestCase("{{.ID}}", "0123456789ab")]
    [TestCase("{{.FullID}}", "0123456789abcdef")]
    [TestCase("{{.Name}}", "web")]
    [TestCase("{{.ImageID}}", "sha256:fedcb")]
    [TestCase("{{.ImageFullID}}", "sha256:fedcba98")]
    [TestCase("{{.ImageName}}", "busybox")]
    [TestCase("{{.DaemonName}}", "berth")]
    [TestCase("{{.Command}}", "/bin/sh -c true")]
    [TestCase("app/{{ .Name }}  {{- /* note */ -}}  x", "app/webx")]
    [TestCase("no actions", "no actions")]
    public void Render_Template_ExpandsInfoFields(string template, string expected)
    {
        Assert.That(LogTag.Render(Info(template)), Is.EqualTo(expected));
    }

    [Test]
    public void Render_NoTagOption_IsEmpty()
    {
        Assert.That(LogTag.Render(Info(null)), Is.Empty);
    }

    [TestCase("{{.Nope}}", "can't evaluate field Nope")]
    [TestCase("{{upper .Name}}", "only {{.Field}} actions")]
    [TestCase("{{.Name", "unclosed action")]
    public void Render_Unsupported_ThrowsInvalid(string template, string message)
    {
        var ex = Assert.Throws<BerthException>(() => LogTag.Render(Info(template)));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Does.Contain(message));
    }

    private static LogInfo Info(string? tag) => new(
        tag is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["tag"] = tag },
        "0123456789abcdef", "/web", "/bin/sh", ["-c", "true"], "sha256:fedcba98", "busybox",
        DateTimeOffset.UnixEpoch, [], new Dictionary<string, string>(), "/tmp/x-json.log", "berth");
}
