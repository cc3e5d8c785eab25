using StreamJsonRpc.Protocol;

namespace Berth.Sdk.Tests;

public class BerthErrorKindsTests
{
    private static IEnumerable<BerthErrorKind> AllKinds() => Enum.GetValues<BerthErrorKind>();

    [TestCaseSource(nameof(AllKinds))]
    public void FromRpcCode_CodeOfEveryKind_RoundTrips(BerthErrorKind kind)
    {
        var code = kind.ToRpcCode();

        Assert.That(BerthErrorKinds.FromRpcCode(code), Is.EqualTo(kind));
        // Implementation-defined server error range of JSON-RPC, clear of its reserved codes.
        Assert.That(code, Is.InRange(-32099, -32001));
    }

    [Test]
    public void ToRpcCode_AllKinds_AreDistinct()
    {
        Assert.That(AllKinds().Select(k => k.ToRpcCode()), Is.Unique);
    }

    [TestCase(-32000)]
    [TestCase(-32001)]
    [TestCase(-32003)]
    [TestCase(-32004)]
    [TestCase(-32010)]
    [TestCase(-32021)]
    [TestCase(-32600)]
    [TestCase(-32601)]
    [TestCase(-32602)]
    [TestCase(-32603)]
    [TestCase(-32800)]
    [TestCase(0)]
    [TestCase(-32050)]
    public void FromRpcCode_CodeOutsideTheKinds_ReturnsNull(int code)
    {
        Assert.That(BerthErrorKinds.FromRpcCode(code), Is.Null);
    }

    [Test]
    public void ToRpcCode_AllKinds_AvoidCodesStreamJsonRpcGivesOtherMeanings()
    {
        // e.g. -32003 (ResponseSerializationFailure) arrives as RemoteSerializationException, losing the kind.
        var reserved = Enum.GetValues<JsonRpcErrorCode>().Select(c => (int)c).ToList();

        Assert.That(AllKinds().Select(k => k.ToRpcCode()), Has.None.AnyOf(reserved.Cast<object>().ToArray()));
    }

    [TestCase(BerthErrorKind.InvalidParameter, 400)]
    [TestCase(BerthErrorKind.Unauthorized, 401)]
    [TestCase(BerthErrorKind.Forbidden, 403)]
    [TestCase(BerthErrorKind.NotFound, 404)]
    [TestCase(BerthErrorKind.Conflict, 409)]
    [TestCase(BerthErrorKind.NotImplemented, 501)]
    [TestCase(BerthErrorKind.Unavailable, 503)]
    [TestCase(BerthErrorKind.Timeout, 504)]
    [TestCase(BerthErrorKind.NotModified, 304)]
    [TestCase(BerthErrorKind.System, 500)]
    public void ToHttpStatus_Kind_IsMobyStatus(BerthErrorKind kind, int status)
    {
        Assert.That(kind.ToHttpStatus(), Is.EqualTo(status));
    }
}
