using System.Reflection;
using Berth.Sdk.Hosting.Wire;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Testing;

/// <summary>
/// What berthd's side of the wire adds to a plain JSON-RPC client of a plugin, so a kit sees a plugin process as it sees
/// an instance: errors come back as <see cref="BerthException"/>s of their class, and a stream a call returned is
/// disposed when that call's token is cancelled (berthd disposes a stream whose reader went away).
/// </summary>
public class PluginClientProxy<T> : DispatchProxy where T : class
{
    private T inner = null!;
    private string peer = "";

    /// <summary>Wraps <paramref name="client"/>, a client attached to the plugin's connection.</summary>
    public static T Wrap(T client, string peer)
    {
        var proxy = Create<T, PluginClientProxy<T>>();
        var self = (PluginClientProxy<T>)(object)proxy;
        self.inner = client;
        self.peer = peer;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var task = (Task)targetMethod.Invoke(inner, args)!;
        var token = args is { Length: > 0 } && args[^1] is CancellationToken ct ? ct : CancellationToken.None;
        if (targetMethod.ReturnType == typeof(Task)) return AwaitAsync(task, peer, targetMethod.Name);
        return typeof(PluginClientProxy<T>).GetMethod(nameof(AwaitResultAsync), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(targetMethod.ReturnType.GetGenericArguments()[0])
            .Invoke(null, [task, peer, targetMethod.Name, token]);
    }

    private static async Task AwaitAsync(Task task, string peer, string method)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not BerthException and not OperationCanceledException)
        {
            throw RpcErrors.Translate(ex, peer, method);
        }
    }

    private static async Task<TResult> AwaitResultAsync<TResult>(Task task, string peer, string method, CancellationToken token)
    {
        TResult result;
        try
        {
            result = await ((Task<TResult>)task).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not BerthException and not OperationCanceledException)
        {
            throw RpcErrors.Translate(ex, peer, method);
        }
        if (result is Stream stream && token.CanBeCanceled) return (TResult)(object)new EndsOnCancel(stream, token);
        return result;
    }

    /// <summary>A returned stream that ends (reads 0) once the call's token is cancelled, and lets go of the channel then.</summary>
    private sealed class EndsOnCancel(Stream inner, CancellationToken callToken) : ReadOnlyWrapperStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (callToken.IsCancellationRequested) return End();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callToken);
            try
            {
                return await inner.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (callToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return End();
            }
        }

        public override int Read(Span<byte> buffer) => callToken.IsCancellationRequested ? End() : inner.Read(buffer);

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        private int End()
        {
            inner.Dispose();
            return 0;
        }
    }
}
