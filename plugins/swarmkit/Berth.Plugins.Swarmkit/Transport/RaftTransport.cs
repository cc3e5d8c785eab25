using System.Net;
using System.Threading.Channels;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Security;
using Microsoft.AspNetCore.Connections;

namespace Berth.Plugins.Swarmkit.Transport;

/// <summary>
/// DotNext's custom Raft transport over the swarm port: its listener yields the connections that arrived on the
/// <see cref="Channels.Raft"/> channel of a <see cref="SwarmListener"/>, its connection factory dials that channel.
/// DotNext binds when its cluster starts and unbinds when it stops; a Raft connection arriving while nothing is bound
/// is closed. Only managers speak Raft: a connection whose peer is not a manager identity is closed (an anonymous
/// peer is admitted only under <see cref="PlaintextSecurity"/>, which authenticates no one). Dispose to take the
/// route off the listener.
/// </summary>
public sealed class RaftTransport : IConnectionListenerFactory, IConnectionFactory, IDisposable
{
    private readonly SwarmListener listener;
    private readonly IConnectionSecurity security;
    private readonly Func<AcceptedConnection, CancellationToken, Task> route;
    private volatile Binding? bound;

    public RaftTransport(SwarmListener listener, IConnectionSecurity security)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(security);
        this.listener = listener;
        this.security = security;
        route = AcceptAsync;
        listener.Route(Channels.Raft, route);
    }

    private async Task AcceptAsync(AcceptedConnection accepted, CancellationToken cancellationToken)
    {
        if (bound is not { } binding || !Admits(accepted.Peer))
            return;
        var connection = new StreamConnectionContext(accepted.Stream, listener.LocalEndPoint, accepted.RemoteEndPoint);
        if (!binding.TryOffer(connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }
        // The listener owns the socket until this returns: hold it while DotNext serves the connection.
        using var stop = cancellationToken.Register(static c => ((StreamConnectionContext)c!).Abort(), connection);
        await connection.Closed.ConfigureAwait(false);
    }

    private bool Admits(NodeIdentity? peer) =>
        peer is null ? security is PlaintextSecurity : peer.Role == NodeRoles.Manager;

    ValueTask<IConnectionListener> IConnectionListenerFactory.BindAsync(EndPoint endpoint, CancellationToken cancellationToken)
    {
        var binding = new Binding(this, endpoint);
        var previous = Interlocked.Exchange(ref bound, binding);
        previous?.Complete();
        return ValueTask.FromResult<IConnectionListener>(binding);
    }

    async ValueTask<ConnectionContext> IConnectionFactory.ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken)
    {
        var stream = await SwarmDialer.ConnectAsync(SwarmDialer.Format(endpoint), Channels.Raft, security, cancellationToken).ConfigureAwait(false);
        return new StreamConnectionContext(stream, null, endpoint);
    }

    public void Dispose()
    {
        listener.Unroute(Channels.Raft, route);
        Interlocked.Exchange(ref bound, null)?.Complete();
    }

    private void Unbind(Binding binding)
    {
        Interlocked.CompareExchange(ref bound, null, binding);
        binding.Complete();
    }

    /// <summary>One bind of DotNext's server: a queue of accepted connections it drains with AcceptAsync.</summary>
    private sealed class Binding(RaftTransport owner, EndPoint endPoint) : IConnectionListener
    {
        private readonly Channel<StreamConnectionContext> queue = Channel.CreateUnbounded<StreamConnectionContext>(
            new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

        public EndPoint EndPoint { get; } = endPoint;

        public bool TryOffer(StreamConnectionContext connection) => queue.Writer.TryWrite(connection);

        public void Complete()
        {
            queue.Writer.TryComplete();
            while (queue.Reader.TryRead(out var pending))
                pending.Abort();
        }

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await queue.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                return null;
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken)
        {
            owner.Unbind(this);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            owner.Unbind(this);
            return ValueTask.CompletedTask;
        }
    }
}
