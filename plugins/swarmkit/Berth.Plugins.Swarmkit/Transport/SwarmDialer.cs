using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Transport;

/// <summary>The client side of the swarm port: connect, run the security handshake, pick a channel.</summary>
public static class SwarmDialer
{
    /// <summary>
    /// Connects to <paramref name="address"/> (host:port), authenticates with <paramref name="security"/> and sends
    /// the <paramref name="channel"/> tag; the stream returned then belongs to that channel's handler on the other end.
    /// </summary>
    /// <exception cref="BerthException">Unavailable: the address cannot be reached.</exception>
    public static async Task<Stream> ConnectAsync(string address, byte channel, IConnectionSecurity security, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(security);
        var (raw, _) = await ConnectRawAsync(address, cancellationToken).ConfigureAwait(false);
        Stream stream = raw;
        try
        {
            stream = await security.ConnectAsync(raw, address, cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync(new[] { channel }, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            if (!ReferenceEquals(stream, raw))
                await raw.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A plain TCP connection to <paramref name="address"/> and the local address it left from (for a bootstrap handshake done by the caller).</summary>
    /// <exception cref="BerthException">Unavailable: the address cannot be reached.</exception>
    public static async Task<(Stream Stream, IPAddress LocalAddress)> ConnectRawAsync(string address, CancellationToken cancellationToken)
    {
        var endPoint = ParseAddress(address);
        var socket = endPoint is IPEndPoint ip
            ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = true;
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new BerthException(BerthErrorKind.Unavailable, $"could not connect to {address}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var local = ((IPEndPoint)socket.LocalEndPoint!).Address;
        return (new NetworkStream(socket, ownsSocket: true), local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local);
    }

    /// <summary>host:port (IPv4, [IPv6] or a DNS name) as an endpoint.</summary>
    /// <exception cref="BerthException">InvalidParameter: not host:port.</exception>
    public static EndPoint ParseAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (IPEndPoint.TryParse(address, out var ip) && ip.Port != 0)
            return ip;
        var colon = address.LastIndexOf(':');
        if (colon > 0 && !address.EndsWith(']') && int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535)
            return new DnsEndPoint(address[..colon].Trim('[', ']'), port);
        throw new BerthException(BerthErrorKind.InvalidParameter, $"invalid address {address}: expected host:port");
    }

    /// <summary>The host:port form of an endpoint (IPv6 in brackets), as members are named.</summary>
    public static string Format(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip when ip.Address.IsIPv4MappedToIPv6 => new IPEndPoint(ip.Address.MapToIPv4(), ip.Port).ToString(),
        IPEndPoint ip => ip.ToString(),
        DnsEndPoint dns => $"{dns.Host}:{dns.Port.ToString(CultureInfo.InvariantCulture)}",
        _ => endPoint.ToString() ?? "",
    };
}
