using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Berth.Plugins.Tests.BridgeNet.Dns.Support;

/// <summary>
/// An upstream resolver the test runs on 127.0.0.1 of the test process's (the host's) namespace, UDP and TCP on one
/// random port. Every query it gets is queued for the test; <c>answer</c> makes the reply, or none (a silent server).
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    private readonly Socket udp;
    private readonly Socket tcp;
    private readonly Func<byte[], byte[]?> answer;
    private readonly CancellationTokenSource stopping = new();
    private readonly Channel<(byte[] Query, DnsTransportKind Transport)> received = Channel.CreateUnbounded<(byte[], DnsTransportKind)>();
    private readonly Task loops;

    private FakeUpstream(Socket udp, Socket tcp, Func<byte[], byte[]?> answer)
    {
        this.udp = udp;
        this.tcp = tcp;
        this.answer = answer;
        loops = Task.WhenAll(Task.Run(ServeUdpAsync), Task.Run(ServeTcpAsync));
    }

    public int Port => ((IPEndPoint)udp.LocalEndPoint!).Port;

    /// <summary>The server as the embedded DNS takes it: <c>127.0.0.1:PORT</c>.</summary>
    public string Server => $"127.0.0.1:{Port}";

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>Answers every A query with <paramref name="address"/>.</summary>
    public static FakeUpstream Answering(IPAddress address) => Start(query => DnsWire.Answer(query, address));

    /// <summary>Receives and never answers.</summary>
    public static FakeUpstream Silent() => Start(_ => null);

    public static FakeUpstream Start(Func<byte[], byte[]?> answer)
    {
        for (var attempt = 0; ; attempt++)
        {
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)udp.LocalEndPoint!).Port));
                tcp.Listen(16);
                return new FakeUpstream(udp, tcp, answer);
            }
            catch (SocketException) when (attempt < 20)
            {
                udp.Dispose();
                tcp.Dispose();
            }
        }
    }

    /// <summary>The next query the server got (up to the test cap).</summary>
    public async Task<(byte[] Query, DnsTransportKind Transport)> NextQueryAsync() =>
        await received.Reader.ReadAsync().AsTask().WaitAsync(Wait.Cap).ConfigureAwait(false);

    public int Count => received.Reader.Count;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        udp.Dispose();
        tcp.Dispose();
        try
        {
            await loops.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        stopping.Dispose();
    }

    private async Task ServeUdpAsync()
    {
        var buffer = new byte[65535];
        while (!stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult got;
            try
            {
                got = await udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var query = buffer[..got.ReceivedBytes];
            received.Writer.TryWrite((query, DnsTransportKind.Udp));
            if (answer(query) is { } reply) await udp.SendToAsync(reply, SocketFlags.None, got.RemoteEndPoint, stopping.Token).ConfigureAwait(false);
        }
    }

    private async Task ServeTcpAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await tcp.AcceptAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            using (connection)
            {
                try
                {
                    await using var stream = new NetworkStream(connection);
                    var length = new byte[2];
                    await stream.ReadExactlyAsync(length, stopping.Token).ConfigureAwait(false);
                    var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
                    await stream.ReadExactlyAsync(query, stopping.Token).ConfigureAwait(false);
                    received.Writer.TryWrite((query, DnsTransportKind.Tcp));
                    if (answer(query) is not { } reply) continue;
                    var frame = new byte[reply.Length + 2];
                    BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)reply.Length);
                    reply.CopyTo(frame, 2);
                    await stream.WriteAsync(frame, stopping.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
                {
                }
            }
        }
    }
}

internal enum DnsTransportKind
{
    Udp,
    Tcp,
}
