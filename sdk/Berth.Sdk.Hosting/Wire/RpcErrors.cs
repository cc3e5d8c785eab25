using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Berth.Sdk.Hosting.Wire;

/// <summary>Turns what a JSON-RPC call threw into a <see cref="BerthException"/> with the right error class.</summary>
public static class RpcErrors
{
    public static BerthException Translate(Exception exception, string peer, string method)
    {
        switch (exception)
        {
            case BerthException b:
                return b;
            case RemoteMethodNotFoundException { ErrorCode: JsonRpcErrorCode.InvalidParams } invalid:
                // StreamJsonRpc reports arguments that do not fit the method as "method not found" with InvalidParams.
                return new BerthException(BerthErrorKind.InvalidParameter, $"{peer}: {method}: {invalid.Message}", exception);
            case RemoteMethodNotFoundException:
                return new BerthException(BerthErrorKind.NotImplemented, $"{peer} does not implement {method}", exception);
            case RemoteInvocationException rie:
                var kind = BerthErrorKinds.FromRpcCode(rie.ErrorCode);
                if (kind is { } k) return new BerthException(k, rie.Message, exception);
                if (rie.ErrorCode == (int)JsonRpcErrorCode.InvalidParams)
                    return new BerthException(BerthErrorKind.InvalidParameter, $"{peer}: {method}: {rie.Message}", exception);
                return new BerthException(BerthErrorKind.System, $"{peer}: {method}: {rie.Message}", exception);
            case ConnectionLostException:
            case ObjectDisposedException:
                return new BerthException(BerthErrorKind.Unavailable, $"{peer} is unavailable: the connection was lost during {method}", exception);
            default:
                return new BerthException(BerthErrorKind.System, $"{peer}: {method}: {exception.Message}", exception);
        }
    }
}
