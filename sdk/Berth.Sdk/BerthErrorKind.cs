namespace Berth.Sdk;

/// <summary>Docker's error classes (errdefs); each maps to the HTTP status the Engine API answers with.</summary>
public enum BerthErrorKind
{
    System = 0,
    InvalidParameter = 1,
    NotFound = 2,
    Conflict = 3,
    Unauthorized = 4,
    Forbidden = 5,
    NotImplemented = 6,
    Unavailable = 7,
    Timeout = 8,
    NotModified = 9,
}

public static class BerthErrorKinds
{
    /// <summary>The HTTP status moby answers for each error class.</summary>
    public static int ToHttpStatus(this BerthErrorKind kind) => kind switch
    {
        BerthErrorKind.InvalidParameter => 400,
        BerthErrorKind.Unauthorized => 401,
        BerthErrorKind.Forbidden => 403,
        BerthErrorKind.NotFound => 404,
        BerthErrorKind.Conflict => 409,
        BerthErrorKind.NotImplemented => 501,
        BerthErrorKind.Unavailable => 503,
        BerthErrorKind.Timeout => 504,
        BerthErrorKind.NotModified => 304,
        _ => 500,
    };

    // StreamJsonRpc gives -32000, -32001, -32003 and -32004 meanings of its own (-32003 arrives as a
    // RemoteSerializationException, not a RemoteInvocationException), so the kinds start clear of them.
    private const int RpcCodeBase = -32011;

    /// <summary>JSON-RPC error code carrying the kind (implementation-defined server error range, -32011 to -32020).</summary>
    public static int ToRpcCode(this BerthErrorKind kind) => RpcCodeBase - (int)kind;

    public static BerthErrorKind? FromRpcCode(int code)
    {
        var value = RpcCodeBase - code;
        return Enum.IsDefined(typeof(BerthErrorKind), value) ? (BerthErrorKind)value : null;
    }
}
