using Microsoft.AspNetCore.Connections;

namespace Berth.Kernel.Listeners;

/// <summary>
/// The docker CLI half-closes a hijacked attach/exec connection as soon as its stdin ends (or at once, without
/// stdin) and keeps reading the output. Kestrel takes the client's FIN for the end of the connection and aborts the
/// response. This connection middleware hands Kestrel its own "connection closed" signal, which a hijacked request
/// holds back: the FIN then only ends the input, and the output flows until the process ends.
/// </summary>
public sealed class HalfCloseGuard
{
    /// <summary>Set by the attach/exec handlers when they take over the connection.</summary>
    public bool Hijacked { get; set; }

    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        var guard = new HalfCloseGuard();
        connection.Features.Set(guard);
        var original = connection.ConnectionClosed;
        using var closed = new CancellationTokenSource();
        using var registration = original.Register(() =>
        {
            if (!guard.Hijacked) closed.Cancel();
        });
        connection.ConnectionClosed = closed.Token;
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            connection.ConnectionClosed = original;
        }
    };
}
