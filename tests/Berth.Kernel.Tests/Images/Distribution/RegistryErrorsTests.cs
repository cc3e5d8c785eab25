using System.Net;
using System.Net.Sockets;
using System.Text;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.References;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Images.Distribution;

public class RegistryErrorsTests
{
    private static readonly Uri Uri = new("http://127.0.0.1:5000/v2/x/manifests/1");

    private static BerthException Translate(string reference, RegistrySubject subject, HttpStatusCode status, string body, bool push = false)
    {
        var request = new RegistryRequest(HttpMethod.Get, ImageReference.Parse(reference), Uri.PathAndQuery, subject, push, null);
        return RegistryErrors.Translate(request, Uri, status, status.ToString(), Encoding.UTF8.GetBytes(body));
    }

    private static string Errors(string code, string message) => $"{{\"errors\":[{{\"code\":\"{code}\",\"message\":\"{message}\",\"detail\":{{\"Tag\":\"1\"}}}}]}}";

    [Test]
    public void Translate_ManifestUnknown_IsDockersNotFound()
    {
        var ex = Translate("127.0.0.1:5000/x:1", RegistrySubject.Manifest, HttpStatusCode.NotFound, Errors("MANIFEST_UNKNOWN", "manifest unknown"));

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotFound));
            Assert.That(ex.Message, Is.EqualTo("manifest for 127.0.0.1:5000/x:1 not found: manifest unknown: manifest unknown"));
        });
    }

    [Test]
    public void Translate_NameUnknown_NamesTheRepository()
    {
        var ex = Translate("busybox", RegistrySubject.Manifest, HttpStatusCode.NotFound, Errors("NAME_UNKNOWN", "repository name not known to registry"));

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotFound));
            Assert.That(ex.Message, Is.EqualTo("repository busybox not found: name unknown: repository name not known to registry"));
        });
    }

    [Test]
    public void Translate_DeniedOnPull_IsForbiddenWithDockersHint()
    {
        var ex = Translate("acc/private", RegistrySubject.Manifest, HttpStatusCode.Forbidden, Errors("DENIED", "requested access to the resource is denied"));

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Forbidden));
            Assert.That(ex.Message, Is.EqualTo("pull access denied for acc/private, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"));
        });
    }

    [Test]
    public void Translate_DeniedOnPush_IsForbidden()
    {
        var ex = Translate("acc/private", RegistrySubject.Upload, HttpStatusCode.Forbidden, Errors("DENIED", "requested access to the resource is denied"), push: true);

        Assert.That((ex.Kind, ex.Message), Is.EqualTo((BerthErrorKind.Forbidden, "denied: requested access to the resource is denied")));
    }

    [Test]
    public void Translate_Unauthorized_IsUnauthorizedNamingTheRequest()
    {
        var ex = Translate("x", RegistrySubject.Manifest, HttpStatusCode.Unauthorized, Errors("UNAUTHORIZED", "authentication required"));

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Unauthorized));
            Assert.That(ex.Message, Is.EqualTo($"Get \"{Uri}\": unauthorized: authentication required"));
        });
    }

    [Test]
    public void Translate_OtherCode_IsSystemWithTheRegistrysMessage()
    {
        var ex = Translate("x", RegistrySubject.Manifest, HttpStatusCode.BadRequest, Errors("MANIFEST_INVALID", "manifest invalid"));

        Assert.That((ex.Kind, ex.Message), Is.EqualTo((BerthErrorKind.System, "manifest invalid: manifest invalid")));
    }

    [Test]
    public void Translate_ManifestNotFoundWithoutBody_StillReadsLikeDocker()
    {
        var ex = Translate("127.0.0.1:5000/x", RegistrySubject.Manifest, HttpStatusCode.NotFound, "");

        Assert.That(ex.Message, Is.EqualTo("manifest for 127.0.0.1:5000/x:latest not found: manifest unknown: manifest unknown"));
    }

    [TestCase(HttpStatusCode.ServiceUnavailable, BerthErrorKind.Unavailable)]
    [TestCase(HttpStatusCode.TooManyRequests, BerthErrorKind.Unavailable)]
    [TestCase(HttpStatusCode.InternalServerError, BerthErrorKind.System)]
    [TestCase(HttpStatusCode.NotFound, BerthErrorKind.NotFound)]
    public void Translate_NonJsonBody_FallsBackToTheStatus(HttpStatusCode status, BerthErrorKind kind)
    {
        var ex = Translate("x", RegistrySubject.Blob, status, "<html>proxy error</html>");

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(kind));
            Assert.That(ex.Message, Does.StartWith($"unexpected status from GET request to {Uri}: {(int)status}"));
        });
    }

    [Test]
    public void TransportErrors_ConnectionRefused_ReadsLikeGo()
    {
        var refused = new HttpRequestException("Connection refused (127.0.0.1:5000)", new SocketException((int)SocketError.ConnectionRefused));

        var ex = TransportErrors.Translate(HttpMethod.Get, new Uri("http://127.0.0.1:5000/v2/"), refused);

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Unavailable));
            Assert.That(ex.Message, Is.EqualTo("Get \"http://127.0.0.1:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused"));
        });
    }
}
