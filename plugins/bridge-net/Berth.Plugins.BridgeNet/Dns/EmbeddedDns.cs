using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Berth.Plugins.BridgeNet.Dns;

/// <summary>
/// Docker's embedded DNS server (127.0.0.11) for the bridge driver: endpoints register their names as they join, and
/// each sandbox with a registered endpoint is served by a <see cref="SandboxListener"/> in its network namespace,
/// started with the sandbox's first registration and stopped after its last. Nothing here fails a Join: a namespace
/// that is gone or a port 53 that is taken is logged, and the container goes without DNS. A port 53 that is taken is
/// tried again every <see cref="BindRetryInterval"/> for a while: during a plugin upgrade the old version still holds
/// it until it stops. Calls are serialized.
/// </summary>
internal sealed class EmbeddedDns : IAsyncDisposable
{
    public static readonly TimeSpan BindRetryInterval = TimeSpan.FromSeconds(2);
    public const int BindRetries = 150;

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly DnsTable table = new();
    private readonly DnsResponder responder;
    private readonly TextWriter log;
    private readonly TimeProvider time;

    // Sandboxes with registrations: their listener, or null when it could not bind.
    private readonly ConcurrentDictionary<string, SandboxListener?> listeners = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource disposing = new();
    private readonly List<Task> retries = [];
    private bool disposed;

    public EmbeddedDns(TextWriter? log = null, TimeProvider? time = null)
    {
        this.log = log ?? TextWriter.Null;
        this.time = time ?? TimeProvider.System;
        responder = new DnsResponder(table, new DnsForwarder(this.time));
    }

    /// <summary>The names being served, for tests.</summary>
    internal DnsTable Table => table;

    /// <summary>Whether 127.0.0.11:53 is being served in the sandbox.</summary>
    public bool IsServing(string sandboxKey) => listeners.TryGetValue(sandboxKey, out var listener) && listener is not null;

    /// <summary>
    /// Registers the endpoint's names (replacing an earlier registration of it) and serves its sandbox. False, after
    /// logging why, when the sandbox's namespace cannot be entered: nothing is registered then.
    /// </summary>
    public async Task<bool> RegisterAsync(DnsRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            foreach (var server in registration.Servers.Where(s => !DnsForwarder.TryParseServer(s, out _)))
                await LogAsync($"endpoint {Short(registration.EndpointId)}: ignoring DNS server '{server}', which is not an address").ConfigureAwait(false);

            var sandbox = registration.SandboxKey;
            if (!listeners.ContainsKey(sandbox))
            {
                if (!File.Exists(sandbox))
                {
                    await LogAsync($"endpoint {Short(registration.EndpointId)}: no embedded DNS, the sandbox {sandbox} is gone").ConfigureAwait(false);
                    return false;
                }
                try
                {
                    listeners[sandbox] = await SandboxListener.StartAsync(sandbox, (query, transport, token) => responder.RespondAsync(sandbox, query, transport, token), log, time).ConfigureAwait(false);
                }
                catch (SocketException ex)
                {
                    // The names still resolve for the other sandboxes on the network.
                    await LogAsync($"sandbox {sandbox}: cannot serve DNS on {SandboxListener.Address}: {ex.Message}; trying again every {BindRetryInterval.TotalSeconds:0} s for a while").ConfigureAwait(false);
                    listeners[sandbox] = null;
                    retries.RemoveAll(r => r.IsCompleted);
                    retries.Add(RetryBindAsync(sandbox));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await LogAsync($"endpoint {Short(registration.EndpointId)}: no embedded DNS, the sandbox cannot be entered: {ex.Message}").ConfigureAwait(false);
                    return false;
                }
            }
            var previous = table.Get(registration.EndpointId);
            table.Add(registration);
            if (previous is not null && previous.SandboxKey != sandbox) await CloseIfUnusedAsync(previous.SandboxKey).ConfigureAwait(false);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets the endpoint's names; its sandbox's listener closes when it was the last. False when it had none.</summary>
    public async Task<bool> UnregisterAsync(string endpointId, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (disposed || table.Remove(endpointId) is not { } removed) return false;
            await CloseIfUnusedAsync(removed.SandboxKey).ConfigureAwait(false);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Closes every listener. The registrations stay on disk with their endpoints; the next process serves them again.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] retrying;
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (disposed) return;
            disposed = true;
            await disposing.CancelAsync().ConfigureAwait(false);
            foreach (var listener in listeners.Values)
            {
                if (listener is not null) await listener.DisposeAsync().ConfigureAwait(false);
            }
            listeners.Clear();
            retrying = [.. retries];
        }
        finally
        {
            gate.Release();
        }
        await Task.WhenAll(retrying).ConfigureAwait(false);
    }

    /// <summary>Tries to bind the sandbox's listener again until it works, the sandbox has no registration left, or the tries run out.</summary>
    private async Task RetryBindAsync(string sandbox)
    {
        try
        {
            for (var attempt = 0; attempt < BindRetries; attempt++)
            {
                await Task.Delay(BindRetryInterval, time, disposing.Token).ConfigureAwait(false);
                await gate.WaitAsync(disposing.Token).ConfigureAwait(false);
                try
                {
                    if (disposed || !listeners.TryGetValue(sandbox, out var existing) || existing is not null) return;
                    listeners[sandbox] = await SandboxListener.StartAsync(sandbox, (query, transport, token) => responder.RespondAsync(sandbox, query, transport, token), log, time).ConfigureAwait(false);
                    await LogAsync($"sandbox {sandbox}: serving DNS on {SandboxListener.Address} now").ConfigureAwait(false);
                    return;
                }
                catch (SocketException)
                {
                    // Still taken: the next try.
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await LogAsync($"sandbox {sandbox}: no embedded DNS, the sandbox cannot be entered: {ex.Message}").ConfigureAwait(false);
                    return;
                }
                finally
                {
                    gate.Release();
                }
            }
            await LogAsync($"sandbox {sandbox}: gave up serving DNS on {SandboxListener.Address}").ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private async Task CloseIfUnusedAsync(string sandboxKey)
    {
        if (table.HasSandbox(sandboxKey) || !listeners.TryRemove(sandboxKey, out var listener)) return;
        if (listener is not null) await listener.DisposeAsync().ConfigureAwait(false);
    }

    private async Task LogAsync(string message)
    {
        try
        {
            await log.WriteLineAsync($"bridge: dns: {message}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }

    private static string Short(string id) => id[..Math.Min(12, id.Length)];
}
