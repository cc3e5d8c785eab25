using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using Berth.Sdk;

namespace Berth.Kernel.Images.Distribution;

/// <summary>Network failures worded as Go's net/http words them, which is what <c>docker pull</c> users know.</summary>
internal static class TransportErrors
{
    /// <summary><c>Get "http://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused</c>.</summary>
    public static BerthException Translate(HttpMethod method, Uri uri, Exception exception) =>
        new(BerthErrorKind.Unavailable, $"{GoMethod(method)} \"{uri.AbsoluteUri}\": {Describe(uri, exception)}", exception);

    public static string GoMethod(HttpMethod method) =>
        method.Method.Length == 0 ? "" : method.Method[..1].ToUpperInvariant() + method.Method[1..].ToLowerInvariant();

    internal static string Describe(Uri? uri, Exception exception)
    {
        var dial = uri is { IsAbsoluteUri: true } ? $"dial tcp {uri.Host}:{uri.Port}" : "dial tcp";
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => $"{dial}: connect: connection refused",
                        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"dial tcp: lookup {uri?.Host}: no such host",
                        SocketError.TimedOut => $"{dial}: i/o timeout",
                        SocketError.NetworkUnreachable => $"{dial}: connect: network is unreachable",
                        SocketError.HostUnreachable => $"{dial}: connect: no route to host",
                        SocketError.ConnectionReset => "read: connection reset by peer",
                        _ => $"{dial}: {socket.Message}",
                    };
                case AuthenticationException tls:
                    return $"tls: {tls.Message}";
                case HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded }:
                    return "unexpected EOF";
                case TimeoutException:
                    return $"{dial}: i/o timeout";
            }
        }
        return exception.Message;
    }
}
