using Berth.Plugins.Swarmkit.Security;

namespace Berth.Plugins.Swarmkit.Transport;

/// <summary>
/// The security handshake of the swarm port, on both ends of a fresh TCP stream: mutual TLS in the daemon,
/// nothing in tests. Implementations honour the cancellation token (the listener cancels a slow handshake) and
/// take ownership of the raw stream (dispose it when the handshake fails).
/// </summary>
public interface IConnectionSecurity
{
    /// <summary>Server side: authenticates an accepted stream and says who is at the other end.</summary>
    Task<AuthenticatedConnection> AcceptAsync(Stream raw, CancellationToken cancellationToken);

    /// <summary>Client side: authenticates an outgoing stream towards <paramref name="targetAddress"/> (host:port).</summary>
    Task<Stream> ConnectAsync(Stream raw, string targetAddress, CancellationToken cancellationToken);
}

/// <summary>The stream to use after the handshake and the peer's identity, or null when the peer presented none.</summary>
public sealed record AuthenticatedConnection(Stream Stream, NodeIdentity? Peer);

/// <summary>No security at all: the raw stream is used as it is. For tests and benchmarks on loopback only.</summary>
/// <param name="assumedPeer">The identity reported for every accepted connection (null: anonymous).</param>
public sealed class PlaintextSecurity(NodeIdentity? assumedPeer = null) : IConnectionSecurity
{
    public static readonly PlaintextSecurity Instance = new();

    public Task<AuthenticatedConnection> AcceptAsync(Stream raw, CancellationToken cancellationToken) =>
        Task.FromResult(new AuthenticatedConnection(raw, assumedPeer));

    public Task<Stream> ConnectAsync(Stream raw, string targetAddress, CancellationToken cancellationToken) => Task.FromResult(raw);
}
