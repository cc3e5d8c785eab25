using System.Net.Security;
using Berth.Plugins.Swarmkit.Security;

namespace Berth.Plugins.Swarmkit.Transport;

/// <summary>
/// Mutual TLS on the swarm port with the cluster's certificates. The server also lets in a client without a
/// certificate — a node still joining — which the channels then only serve the bootstrap calls.
/// </summary>
public sealed class TlsConnectionSecurity(SwarmTls tls) : IConnectionSecurity
{
    public async Task<AuthenticatedConnection> AcceptAsync(Stream raw, CancellationToken cancellationToken)
    {
        var stream = new SslStream(raw, leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsServerAsync(tls.BootstrapServerOptions(), cancellationToken).ConfigureAwait(false);
            return new AuthenticatedConnection(stream, SwarmTls.PeerIdentity(stream));
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<Stream> ConnectAsync(Stream raw, string targetAddress, CancellationToken cancellationToken)
    {
        var stream = new SslStream(raw, leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsClientAsync(tls.ClientOptions(), cancellationToken).ConfigureAwait(false);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
