using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;
using Berth.Plugins.Swarmkit.Security;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Rpc;

/// <summary>Who called: the peer's certificate identity, or null on the bootstrap connection of a node still joining.</summary>
public sealed record RpcCaller(NodeIdentity? Peer);

public delegate Task<object?> RpcHandler(RpcCaller caller, JsonElement body, CancellationToken cancellationToken);

/// <summary>Serves control calls on connections that arrived on the control channel, one call at a time per connection.</summary>
public sealed class RpcServer(TextWriter log)
{
    private readonly Dictionary<string, RpcHandler> handlers = new(StringComparer.Ordinal);

    public void Handle(string method, RpcHandler handler) => handlers[method] = handler;

    /// <summary>Registers a handler taking a typed request.</summary>
    public void Handle<TRequest>(string method, Func<RpcCaller, TRequest, CancellationToken, Task<object?>> handler) =>
        handlers[method] = (caller, body, ct) => handler(caller, SwarmJson.From<TRequest>(body), ct);

    public async Task ServeAsync(Stream stream, NodeIdentity? peer, CancellationToken cancellationToken)
    {
        var caller = new RpcCaller(peer);
        try
        {
            while (await RpcFrames.ReadAsync<RpcRequest>(stream, cancellationToken).ConfigureAwait(false) is { } request)
            {
                var response = await DispatchAsync(caller, request, cancellationToken).ConfigureAwait(false);
                await RpcFrames.WriteAsync(stream, response, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or InvalidDataException or JsonException or OperationCanceledException)
        {
            // The peer went away or spoke garbage: drop the connection, the caller reconnects.
        }
    }

    private async Task<RpcResponse> DispatchAsync(RpcCaller caller, RpcRequest request, CancellationToken cancellationToken)
    {
        if (!handlers.TryGetValue(request.Method, out var handler))
            return new RpcResponse(null, new RpcError(BerthErrorKind.NotImplemented, $"unknown swarm control call {request.Method}"));
        try
        {
            var result = await handler(caller, request.Body, cancellationToken).ConfigureAwait(false);
            return new RpcResponse(result is null ? null : JsonSerializer.SerializeToElement(result, result.GetType(), SwarmJson.Options), null);
        }
        catch (BerthException e)
        {
            return new RpcResponse(null, new RpcError(e.Kind, e.Message));
        }
        catch (Store.NotLeaderException e)
        {
            return new RpcResponse(null, new RpcError(BerthErrorKind.Unavailable, e.Message, NotLeader: true));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await log.WriteLineAsync($"swarm control call {request.Method} failed: {e}").ConfigureAwait(false);
            return new RpcResponse(null, new RpcError(BerthErrorKind.System, e.Message));
        }
    }
}
