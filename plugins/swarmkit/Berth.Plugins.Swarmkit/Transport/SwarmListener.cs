using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Berth.Plugins.Swarmkit.Security;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Transport;

/// <summary>A connection that passed the handshake, with the channel it asked for.</summary>
/// <param name="Stream">The authenticated stream, positioned after the channel tag. The listener disposes it when the handler returns.</param>
/// <param name="Peer">Who is at the other end, or null when the peer presented no identity.</param>
public sealed record AcceptedConnection(Stream Stream, NodeIdentity? Peer, IPEndPoint RemoteEndPoint, byte Channel);

/// <summary>
/// The manager's single swarm port: accepts TCP connections, runs the security handshake, reads the one-byte channel
/// tag and hands the connection to the handler routed for that tag. Each connection is served on its own task, so a
/// slow or hostile client (bounded by <see cref="HandshakeTimeout"/>) never holds up the others. The socket is bound
/// in the constructor (the port is taken, or the error surfaces, at once); accepting starts with <see cref="Start"/>.
/// Disposal stops accepting, cancels the handlers, closes every connection and waits for their tasks.
/// </summary>
public sealed class SwarmListener : IAsyncDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket socket;
    private readonly IConnectionSecurity security;
    private readonly TextWriter log;
    private readonly ConcurrentDictionary<byte, Func<AcceptedConnection, CancellationToken, Task>> routes = new();
    private readonly ConcurrentDictionary<long, Socket> open = new();
    private readonly ConcurrentDictionary<long, Task> serving = new();
    private readonly CancellationTokenSource lifetime = new();
    private Task accepting = Task.CompletedTask;
    private long nextId;
    private int started;
    private int disposed;

    /// <exception cref="BerthException">The address cannot be bound (in use, not local).</exception>
    public SwarmListener(IPEndPoint endPoint, IConnectionSecurity security, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(security);
        this.security = security;
        this.log = log ?? TextWriter.Null;
        socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            socket.Bind(endPoint);
            socket.Listen(512);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new BerthException(BerthErrorKind.System, $"listen tcp {endPoint}: bind: {e.Message}", e);
        }
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    /// <summary>The bound address (with the actual port when port 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>How long a client has to finish the security handshake and send its channel tag.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connections currently open (handshaking or being served).</summary>
    public int OpenConnections => open.Count;

    /// <summary>
    /// Routes connections tagged <paramref name="channel"/> to <paramref name="handler"/> (replacing any earlier
    /// route). The handler owns the connection until its task completes; then the listener closes it. Its token is
    /// cancelled when the listener is disposed.
    /// </summary>
    public void Route(byte channel, Func<AcceptedConnection, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        routes[channel] = handler;
    }

    /// <summary>Removes the route for <paramref name="channel"/> if it is still <paramref name="handler"/>; later connections on it are closed.</summary>
    public void Unroute(byte channel, Func<AcceptedConnection, CancellationToken, Task> handler) =>
        routes.TryRemove(KeyValuePair.Create(channel, handler));

    /// <summary>Starts accepting (once; later calls do nothing). Clients that connected earlier wait in the backlog.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (Interlocked.Exchange(ref started, 1) == 0)
            accepting = Task.Run(() => AcceptLoopAsync(lifetime.Token), CancellationToken.None);
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of descriptors or a connection reset before it was accepted: keep serving the others.
                await LogAsync($"swarm listener {LocalEndPoint}: accept failed: {e.Message}").ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None).ConfigureAwait(false);
                continue;
            }
            Track(client, cancellationToken);
        }
    }

    private void Track(Socket client, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref nextId);
        open[id] = client;
        if (cancellationToken.IsCancellationRequested)
        {
            Close(id);
            return;
        }
        var task = Task.Run(() => ServeAsync(client, cancellationToken), CancellationToken.None);
        serving[id] = task;
        _ = task.ContinueWith(
            (_, state) =>
            {
                var connection = (long)state!;
                serving.TryRemove(connection, out Task? _);
                Close(connection);
            },
            id, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Close(long id)
    {
        if (open.TryRemove(id, out var client))
            client.Dispose();
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        client.NoDelay = true;
        var remote = client.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        var raw = new NetworkStream(client, ownsSocket: true);
        Stream stream = raw;
        try
        {
            AuthenticatedConnection authenticated;
            var tag = new byte[1];
            using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                handshake.CancelAfter(HandshakeTimeout);
                // A handshake that ignores its token is cut short by closing the socket under it.
                using var abort = handshake.Token.Register(static s => ((Socket)s!).Dispose(), client);
                try
                {
                    authenticated = await security.AcceptAsync(raw, handshake.Token).ConfigureAwait(false);
                    stream = authenticated.Stream;
                    if (await stream.ReadAsync(tag, handshake.Token).ConfigureAwait(false) == 0)
                        return;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    await LogAsync($"swarm listener {LocalEndPoint}: handshake with {remote} failed: {Describe(e, handshake.IsCancellationRequested)}").ConfigureAwait(false);
                    return;
                }
            }
            if (!routes.TryGetValue(tag[0], out var handler))
            {
                await LogAsync($"swarm listener {LocalEndPoint}: {remote} asked for unknown channel 0x{tag[0]:x2}; closing").ConfigureAwait(false);
                return;
            }
            await handler(new AcceptedConnection(stream, authenticated.Peer, remote, tag[0]), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            await LogAsync($"swarm listener {LocalEndPoint}: connection from {remote} failed: {e.Message}").ConfigureAwait(false);
        }
        finally
        {
            await DisposeQuietlyAsync(stream).ConfigureAwait(false);
            if (!ReferenceEquals(stream, raw))
                await DisposeQuietlyAsync(raw).ConfigureAwait(false);
        }
    }

    private static string Describe(Exception e, bool timedOut) =>
        timedOut && e is OperationCanceledException or ObjectDisposedException or IOException ? "timed out" : e.Message;

    private static async ValueTask DisposeQuietlyAsync(Stream stream)
    {
        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or System.Security.Authentication.AuthenticationException)
        {
            // Closing a stream whose peer is gone (TLS close_notify on a dead socket).
        }
    }

    private async Task LogAsync(string message)
    {
        try
        {
            await log.WriteLineAsync(message).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        await lifetime.CancelAsync().ConfigureAwait(false);
        socket.Dispose();
        await accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var id in open.Keys)
            Close(id);
        var remaining = serving.Values.ToArray();
        try
        {
            await Task.WhenAll(remaining).WaitAsync(DrainTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            if (remaining.Any(t => !t.IsCompleted))
                await LogAsync($"swarm listener {LocalEndPoint}: a connection handler did not stop within {DrainTimeout.TotalSeconds:0}s of disposal").ConfigureAwait(false);
            lifetime.Dispose();
        }
    }
}
