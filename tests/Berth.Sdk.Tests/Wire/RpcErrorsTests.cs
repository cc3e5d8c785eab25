using Berth.Sdk.Hosting.Wire;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Berth.Sdk.Tests.Wire;

public class RpcErrorsTests
{
    [Test]
    public void Translate_BerthException_ReturnsSameInstance()
    {
        var original = BerthException.Conflict("name in use");

        Assert.That(RpcErrors.Translate(original, "plugin x", "M"), Is.SameAs(original));
    }

    [TestCase(BerthErrorKind.NotFound)]
    [TestCase(BerthErrorKind.Conflict)]
    [TestCase(BerthErrorKind.Timeout)]
    [TestCase(BerthErrorKind.NotModified)]
    public void Translate_RemoteErrorWithKindCode_KeepsKindAndMessage(BerthErrorKind kind)
    {
        var remote = new RemoteInvocationException("remote says no", kind.ToRpcCode(), "data");

        var translated = RpcErrors.Translate(remote, "plugin x", "M");

        Assert.That(translated.Kind, Is.EqualTo(kind));
        Assert.That(translated.Message, Is.EqualTo("remote says no"));
    }

    [Test]
    public void Translate_InvalidParamsCode_IsInvalidParameterNamingMethod()
    {
        var remote = new RemoteInvocationException("bad args", (int)JsonRpcErrorCode.InvalidParams, "data");

        var translated = RpcErrors.Translate(remote, "plugin x", "GraphDriver.Get");

        Assert.That(translated.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(translated.Message, Is.EqualTo("plugin x: GraphDriver.Get: bad args"));
    }

    [Test]
    public void Translate_ConnectionLost_IsUnavailable()
    {
        var translated = RpcErrors.Translate(new ConnectionLostException(), "plugin x", "LogDriver.StartLogging");

        Assert.That(translated.Kind, Is.EqualTo(BerthErrorKind.Unavailable));
        Assert.That(translated.Message, Does.Contain("plugin x is unavailable").And.Contain("LogDriver.StartLogging"));
    }

    [Test]
    public void Translate_ObjectDisposed_IsUnavailable()
    {
        Assert.That(RpcErrors.Translate(new ObjectDisposedException("rpc"), "p", "m").Kind, Is.EqualTo(BerthErrorKind.Unavailable));
    }

    [Test]
    public void Translate_AnyOtherException_IsSystemWithInner()
    {
        var io = new IOException("pipe broke");

        var translated = RpcErrors.Translate(io, "plugin x", "M");

        Assert.That(translated.Kind, Is.EqualTo(BerthErrorKind.System));
        Assert.That(translated.Message, Is.EqualTo("plugin x: M: pipe broke"));
        Assert.That(translated.InnerException, Is.SameAs(io));
    }
}
