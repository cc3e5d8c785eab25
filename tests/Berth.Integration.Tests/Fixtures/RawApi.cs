using System.Net.Sockets;

namespace Berth.Integration.Tests.Fixtures;

/// <summary>Plain HTTP over the daemon's unix socket, for checks below the clients (headers, versions, raw bodies).</summary>
public static class RawApi
{
    public static HttpClient Create(string socket)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri("http://localhost"), Timeout = TimeSpan.FromSeconds(60) };
    }
}
