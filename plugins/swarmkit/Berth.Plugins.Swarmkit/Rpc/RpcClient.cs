using System.Collections.Concurrent;
using System.Text.Json;
using Berth.Plugins.Swarmkit.Model;
using Berth.Sdk;

namespace Berth.Plugins.Swarmkit.Rpc;

/// <summary>
/// Calls other nodes' control endpoints over pooled connections (one call at a time per connection; a long poll
/// simply holds its own). A connection that failed is dropped; the next call dials again.
/// </summary>
public sealed class RpcClient(Func<string, CancellationToken, Task<Stream>> dial) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<Stream>> idle = new(StringComparer.Ordinal);
    private volatile bool disposed;

    public async Task<TResponse> CallAsync<TResponse>(string address, string method, object request, CancellationToken cancellationToken)
    {
        var body = await CallAsync(address, method, request, cancellationToken).ConfigureAwait(false);
        return body is { } element ? SwarmJson.From<TResponse>(element) : default!;
    }

    public async Task<JsonElement?> CallAsync(string address, string method, object request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var stream = await RentAsync(address, cancellationToken).ConfigureAwait(false);
        RpcResponse? response;
        try
        {
            await RpcFrames.WriteAsync(stream, new RpcRequest(method, JsonSerializer.SerializeToElement(request, request.GetType(), SwarmJson.Options)), cancellationToken).ConfigureAwait(false);
            response = await RpcFrames.ReadAsync<RpcResponse>(stream, cancellationToken).ConfigureAwait(false)
                ?? throw new EndOfStreamException("the manager closed the connection");
        }
        catch (Exception e)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
                throw;
            throw new BerthException(BerthErrorKind.Unavailable, $"manager {address} is unreachable: {e.Message}", e);
        }
        Return(address, stream);
        if (response.Error is { NotLeader: true })
            throw new Store.NotLeaderException(null);
        if (response.Error is { } error)
            throw new BerthException(error.Kind, error.Message);
        return response.Body;
    }

    private async Task<Stream> RentAsync(string address, CancellationToken cancellationToken)
    {
        if (idle.TryGetValue(address, out var bag) && bag.TryTake(out var pooled))
            return pooled;
        try
        {
            return await dial(address, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not BerthException)
        {
            throw new BerthException(BerthErrorKind.Unavailable, $"manager {address} is unreachable: {e.Message}", e);
        }
    }

    private void Return(string address, Stream stream)
    {
        if (disposed)
        {
            stream.Dispose();
            return;
        }
        idle.GetOrAdd(address, _ => []).Add(stream);
    }

    public async ValueTask DisposeAsync()
    {
        disposed = true;
        foreach (var bag in idle.Values)
            while (bag.TryTake(out var stream))
                await stream.DisposeAsync().ConfigureAwait(false);
    }
}
