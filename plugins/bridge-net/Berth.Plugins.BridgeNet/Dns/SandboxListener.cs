using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Berth.Sdk.Networking.Namespaces;

namespace Berth.Plugins.BridgeNet.Dns;

/// <summary>
/// 127.0.0.11:53 over UDP and TCP inside one sandbox's network namespace. The two sockets are made on a thread that
/// entered the namespace and stay bound to it; after that everything is asynchronous socket work on the thread pool,
/// many queries in flight and no thread per query. Whatever a client sends, the loops go on: a query that makes the
/// handler throw gets no reply, a TCP connection that misbehaves is closed. Disposing closes the sockets and every
/// connection and waits for the queries in flight.
/// </summary>
internal sealed class SandboxListener : IAsyncDisposable
{
    public static readonly IPEndPoint Address = new(IPAddress.Parse("127.0.0.11"), 53);

    /// <summary>How long a TCP connection may wait for its next query (or the rest of one).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    /// <summary>TCP connections beyond this many are closed as soon as they are accepted.</summary>
    public const int MaxConnections = 100;

    private readonly Socket udp;
    private readonly Socket tcp;
    private readonly Func<ReadOnlyMemory<byte>, DnsTransport, CancellationToken, Task<byte[]?>> handler;
    private readonly TextWriter log;
    private readonly TimeProvider time;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly HashSet<Task> pending = [];
    private readonly Task udpLoop;
    private readonly Task tcpLoop;
    private int connections;
    private int disposed;

    private SandboxListener(string sandboxKey, Socket udp, Socket tcp, Func<ReadOnlyMemory<byte>, DnsTransport, CancellationToken, Task<byte[]?>> handler, TextWriter log, TimeProvider time)
    {
        SandboxKey = sandboxKey;
        this.udp = udp;
        this.tcp = tcp;
        this.handler = handler;
        this.log = log;
        this.time = time;
        udpLoop = Task.Run(ReceiveUdpAsync);
        tcpLoop = Task.Run(AcceptTcpAsync);
    }

    public string SandboxKey { get; }

    /// <summary>Binds 127.0.0.11:53 in the namespace at <paramref name="sandboxKey"/> and starts serving.</summary>
    /// <param name="handler">Answers one query (bytes as received); null sends nothing back. It must be thread-safe.</param>
    /// <exception cref="SocketException">The address is taken (the container serves port 53 itself) or the namespace has no loopback.</exception>
    /// <exception cref="IOException">The namespace cannot be opened or entered.</exception>
    public static async Task<SandboxListener> StartAsync(
        string sandboxKey,
        Func<ReadOnlyMemory<byte>, DnsTransport, CancellationToken, Task<byte[]?>> handler,
        TextWriter? log = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var (udp, tcp) = await NetworkNamespace.RunAsync(sandboxKey, Bind).ConfigureAwait(false);
        return new SandboxListener(sandboxKey, udp, tcp, handler, log ?? TextWriter.Null, time ?? TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        await stopping.CancelAsync().ConfigureAwait(false);
        udp.Dispose();
        tcp.Dispose();
        await Task.WhenAll(udpLoop, tcpLoop).ConfigureAwait(false);
        Task[] inFlight;
        lock (gate) inFlight = [.. pending];
        await Task.WhenAll(inFlight).ConfigureAwait(false);
        stopping.Dispose();
    }

    private static (Socket Udp, Socket Tcp) Bind()
    {
        var udp = new Socket(Address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        Socket? tcp = null;
        try
        {
            udp.Bind(Address);
            tcp = new Socket(Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            // Lets a new listener bind while connections of an old one linger in TIME_WAIT; a live listener still conflicts.
            tcp.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            tcp.Bind(Address);
            tcp.Listen(128);
            return (udp, tcp);
        }
        catch
        {
            tcp?.Dispose();
            udp.Dispose();
            throw;
        }
    }

    private CancellationToken Stopping => stopping.Token;

    private async Task ReceiveUdpAsync()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(DnsMessage.MaxTcpLength);
        EndPoint anyClient = new IPEndPoint(IPAddress.Any, 0);
        while (!Stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await udp.ReceiveFromAsync(buffer, SocketFlags.None, anyClient, Stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                if (Stopping.IsCancellationRequested) break;
                await LogAsync($"receiving a UDP query failed: {ex.Message}").ConfigureAwait(false);
                continue;
            }
            Track(AnswerUdpAsync(buffer.AsSpan(0, received.ReceivedBytes).ToArray(), received.RemoteEndPoint));
        }
    }

    private async Task AnswerUdpAsync(byte[] query, EndPoint client)
    {
        try
        {
            var reply = await handler(query, DnsTransport.Udp, Stopping).ConfigureAwait(false);
            if (reply is not null) await udp.SendToAsync(reply, SocketFlags.None, client, Stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopping, or the client is gone.
        }
#pragma warning disable CA1031 // A bad query must not take the listener down; it is logged and dropped.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await LogAsync($"answering a UDP query failed: {ex}").ConfigureAwait(false);
        }
    }

    private async Task AcceptTcpAsync()
    {
        while (!Stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await tcp.AcceptAsync(Stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                if (Stopping.IsCancellationRequested) break;
                await LogAsync($"accepting a TCP connection failed: {ex.Message}").ConfigureAwait(false);
                continue;
            }
            if (Interlocked.Increment(ref connections) > MaxConnections)
            {
                Interlocked.Decrement(ref connections);
                connection.Dispose();
                continue;
            }
            Track(ServeConnectionAsync(connection));
        }
    }

    /// <summary>Length-prefixed queries (RFC 1035 §4.2.2 / RFC 7766), answered one after the other, until the client closes or idles.</summary>
    private async Task ServeConnectionAsync(Socket connection)
    {
        try
        {
            await using var stream = new NetworkStream(connection, ownsSocket: true);
            var length = new byte[2];
            while (true)
            {
                using var idle = new CancellationTokenSource(IdleTimeout, time);
                using var reading = CancellationTokenSource.CreateLinkedTokenSource(Stopping, idle.Token);
                if (await stream.ReadAtLeastAsync(length, 2, throwOnEndOfStream: false, reading.Token).ConfigureAwait(false) < 2) return;
                var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
                await stream.ReadExactlyAsync(query, reading.Token).ConfigureAwait(false);
                var reply = await handler(query, DnsTransport.Tcp, Stopping).ConfigureAwait(false);
                if (reply is null || reply.Length > DnsMessage.MaxTcpLength) return;
                var frame = new byte[2 + reply.Length];
                BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)reply.Length);
                reply.CopyTo(frame, 2);
                await stream.WriteAsync(frame, Stopping).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
        {
            // Stopping, idle, or the client broke off: the connection closes.
        }
#pragma warning disable CA1031 // A bad query must not take the listener down; it is logged and its connection closed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await LogAsync($"answering a TCP query failed: {ex}").ConfigureAwait(false);
        }
        finally
        {
            connection.Dispose();
            Interlocked.Decrement(ref connections);
        }
    }

    /// <summary>Keeps <paramref name="work"/> until it ends, so disposing can wait for it. The work never throws.</summary>
    private void Track(Task work)
    {
        lock (gate) pending.Add(work);
        _ = work.ContinueWith(
            done =>
            {
                lock (gate) pending.Remove(done);
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task LogAsync(string message)
    {
        try
        {
            await log.WriteLineAsync($"bridge: dns {SandboxKey}: {message}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }
}
