using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Berth.Plugins.Swarmkit.Security;

namespace Berth.Plugins.Tests.Swarmkit.Security;

/// <summary>What each end of a loopback TLS connection saw.</summary>
internal sealed record HandshakeOutcome(Exception? ServerError, Exception? ClientError, NodeIdentity? ClientSeenByServer, NodeIdentity? ServerSeenByClient)
{
    public bool Succeeded => ServerError is null && ClientError is null;
}

/// <summary>
/// A real TLS connection over 127.0.0.1: both ends authenticate, then the server sends a frame (one byte when no
/// payload is given) that the client must read, so a refusal on either side surfaces as an error on some side.
/// </summary>
internal static class Loopback
{
    public static async Task<HandshakeOutcome> HandshakeAsync(
        SslServerAuthenticationOptions server,
        SslClientAuthenticationOptions client,
        byte[]? serverPayload = null,
        Action<SslStream, byte[]>? onClientReceived = null)
    {
        using var cancellation = new CancellationTokenSource(Wait.Cap);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = ServeAsync(listener, server, serverPayload ?? [1], cancellation.Token);
        var connecting = ConnectAsync(port, client, onClientReceived, cancellation.Token);
        var (serverError, clientSeen) = await Wait.Within(serving);
        var (clientError, serverSeen) = await Wait.Within(connecting);
        return new HandshakeOutcome(serverError, clientError, clientSeen, serverSeen);
    }

    private static async Task<(Exception?, NodeIdentity?)> ServeAsync(
        TcpListener listener, SslServerAuthenticationOptions options, byte[] payload, CancellationToken cancellationToken)
    {
        using var tcp = await listener.AcceptTcpClientAsync(cancellationToken);
        await using var ssl = new SslStream(tcp.GetStream());
        try
        {
            await ssl.AuthenticateAsServerAsync(options, cancellationToken);
            var peer = SwarmTls.PeerIdentity(ssl);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, payload.Length);
            await ssl.WriteAsync(length, cancellationToken);
            await ssl.WriteAsync(payload, cancellationToken);
            await ssl.FlushAsync(cancellationToken);
            return (null, peer);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return (e, null);
        }
    }

    private static async Task<(Exception?, NodeIdentity?)> ConnectAsync(
        int port, SslClientAuthenticationOptions options, Action<SslStream, byte[]>? onReceived, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        await using var ssl = new SslStream(tcp.GetStream());
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken);
            var length = new byte[4];
            await ssl.ReadExactlyAsync(length, cancellationToken);
            var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(length)];
            await ssl.ReadExactlyAsync(payload, cancellationToken);
            onReceived?.Invoke(ssl, payload);
            return (null, SwarmTls.PeerIdentity(ssl));
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return (e, null);
        }
    }
}
