using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Berth.Sdk.Hosting.Wire;

/// <summary>Sends <see cref="BerthException"/> across the pipe with its error class in the JSON-RPC error code.</summary>
internal sealed class BerthJsonRpc(IJsonRpcMessageHandler handler) : JsonRpc(handler)
{
    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        var inner = exception is System.Reflection.TargetInvocationException { InnerException: { } ie } ? ie : exception;
        return inner switch
        {
            BerthException b => new JsonRpcError.ErrorDetail { Code = (JsonRpcErrorCode)b.Kind.ToRpcCode(), Message = b.Message },
            OperationCanceledException => new JsonRpcError.ErrorDetail { Code = JsonRpcErrorCode.RequestCanceled, Message = "the call was cancelled" },
            NotImplementedException or NotSupportedException =>
                new JsonRpcError.ErrorDetail { Code = (JsonRpcErrorCode)BerthErrorKind.NotImplemented.ToRpcCode(), Message = inner.Message },
            ArgumentException =>
                new JsonRpcError.ErrorDetail { Code = (JsonRpcErrorCode)BerthErrorKind.InvalidParameter.ToRpcCode(), Message = inner.Message },
            _ => base.CreateErrorDetails(request, exception),
        };
    }
}
