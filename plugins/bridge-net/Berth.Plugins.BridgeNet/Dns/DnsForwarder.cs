using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Berth.Plugins.BridgeNet.Dns;

/// <summary>How a query reached the resolver, and so how it is forwarded.</summary>
internal enum DnsTransport
{
    Udp,
    Tcp,
}

/// <summary>
/// Relays the queries the embedded DNS cannot answer to the upstream resolvers, as Moby does: the servers in order,
/// each given <see cref="AttemptTimeout"/>, all of them <see cref="OverallTimeout"/>; a UDP query over UDP, a TCP one
/// over TCP. A server answering SERVFAIL or REFUSED makes way for the next; its answer is relayed when no other comes.
/// Sockets are made on the calling thread-pool thread, so in the plugin's own network namespace (the host's): loopback
/// resolvers such as 127.0.0.53 work. At most <see cref="MaxConcurrent"/> queries are in flight; more fail at once.
/// </summary>
internal sealed class DnsForwarder(TimeProvider? time = null)
{
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan OverallTimeout = TimeSpan.FromSeconds(5);
    public const int MaxConcurrent = 100;
    private const int DnsPort = 53;

    private readonly TimeProvider time = time ?? TimeProvider.System;
    private int inFlight;

    /// <summary>The upstream's answer, with the client's id; null when there is none (no server, all failed, too many in flight).</summary>
    public async Task<byte[]?> ForwardAsync(ReadOnlyMemory<byte> query, IReadOnlyList<IPEndPoint> servers, DnsTransport transport, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(servers);
        if (servers.Count == 0 || query.Length < DnsQuery.HeaderLength) return null;
        if (Interlocked.Increment(ref inFlight) > MaxConcurrent)
        {
            Interlocked.Decrement(ref inFlight);
            return null;
        }
        try
        {
            using var overall = new CancellationTokenSource(OverallTimeout, time);
            using var forwarding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, overall.Token);
            byte[]? refusal = null;
            foreach (var server in servers)
            {
                if (forwarding.IsCancellationRequested) break;
                using var attempt = new CancellationTokenSource(AttemptTimeout, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(forwarding.Token, attempt.Token);
                try
                {
                    var reply = transport == DnsTransport.Udp
                        ? await ExchangeUdpAsync(query, server, linked.Token).ConfigureAwait(false)
                        : await ExchangeTcpAsync(query, server, linked.Token).ConfigureAwait(false);
                    if (reply is null) continue;
                    if (DnsMessage.Rcode(reply) is DnsMessage.ServerFailure or DnsMessage.Refused)
                    {
                        refusal ??= reply;
                        continue;
                    }
                    return reply;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // This server's time, or all of it, is up.
                }
                catch (Exception ex) when (ex is SocketException or IOException)
                {
                    // Unreachable, refused, reset: the next server.
                }
            }
            return refusal;
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    /// <summary>
    /// A resolver address as the daemon or a test gives it: <c>1.2.3.4</c>, <c>1.2.3.4:5353</c>, <c>2001:db8::1</c>,
    /// <c>[2001:db8::1]:5353</c>; port 53 unless one is given.
    /// </summary>
    public static bool TryParseServer(string? text, out IPEndPoint server)
    {
        server = new IPEndPoint(IPAddress.None, 0);
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (IPAddress.TryParse(text, out var address) && !text.StartsWith('['))
        {
            server = new IPEndPoint(address, DnsPort);
            return true;
        }
        int colon;
        string host;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) return false;
            host = text[1..close];
            colon = close + 1;
            if (colon == text.Length) return IPAddress.TryParse(host, out address) && Set(address, DnsPort, out server);
            if (text[colon] != ':') return false;
        }
        else
        {
            colon = text.LastIndexOf(':');
            if (colon <= 0) return false;
            host = text[..colon];
        }
        if (!IPAddress.TryParse(host, out address)) return false;
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is 0 or > 65535) return false;
        return Set(address, port, out server);
    }

    private static bool Set(IPAddress address, int port, out IPEndPoint server)
    {
        server = new IPEndPoint(address, port);
        return true;
    }

    /// <summary>The query under a fresh id on a socket connected to the server, so only its answers arrive; the reply gets the client's id back.</summary>
    private static async Task<byte[]?> ExchangeUdpAsync(ReadOnlyMemory<byte> query, IPEndPoint server, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        var request = query.ToArray();
        var clientId = DnsMessage.Id(request);
        var id = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
        DnsMessage.SetId(request, id);
        await socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[DnsMessage.MaxTcpLength];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            var reply = buffer.AsSpan(0, received);
            if (!DnsMessage.IsResponse(reply) || DnsMessage.Id(reply) != id) continue; // stray or spoofed: keep waiting
            var answer = reply.ToArray();
            DnsMessage.SetId(answer, clientId);
            return answer;
        }
    }

    /// <summary>The query in a TCP frame (RFC 1035 §4.2.2) on a connection of its own; the reply as it comes.</summary>
    private static async Task<byte[]?> ExchangeTcpAsync(ReadOnlyMemory<byte> query, IPEndPoint server, CancellationToken cancellationToken)
    {
        if (query.Length > DnsMessage.MaxTcpLength) return null;
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var frame = new byte[2 + query.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)query.Length);
        query.CopyTo(frame.AsMemory(2));
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        var length = new byte[2];
        await stream.ReadExactlyAsync(length, cancellationToken).ConfigureAwait(false);
        var reply = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
        await stream.ReadExactlyAsync(reply, cancellationToken).ConfigureAwait(false);
        if (!DnsMessage.IsResponse(reply) || DnsMessage.Id(reply) != DnsMessage.Id(query.Span)) return null;
        return reply;
    }
}
