using System.Net.Sockets;

namespace Berth.Kernel.Plugins.V1;

/// <summary>HTTP to a v1 plugin: over its unix socket (Host header <c>plugin.moby.localhost</c>, as moby sends) or TCP.</summary>
public static class V1Transport
{
    public const string UnixHost = "plugin.moby.localhost";

    /// <summary>A handler that opens a new connection to the plugin's socket when it needs one.</summary>
    public static HttpMessageHandler CreateHandler(V1PluginAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var handler = new SocketsHttpHandler
        {
            // A restarted plugin has a new socket: do not keep connections to the old one for long.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
            AllowAutoRedirect = false,
        };
        if (address.IsUnixSocket)
        {
            var path = address.SocketPath;
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        return handler;
    }

    /// <summary>The base of request URLs: <c>http://plugin.moby.localhost/</c> for sockets, the spec's host and port otherwise.</summary>
    public static Uri BaseAddress(V1PluginAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsUnixSocket) return new Uri($"http://{UnixHost}/");
        var scheme = address.Url.Scheme == "https" ? "https" : "http";
        return new Uri($"{scheme}://{address.Url.Authority}/");
    }
}
