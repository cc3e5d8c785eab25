using System.Collections.Concurrent;

namespace Berth.Kernel.Containers;

/// <summary>
/// Lets clients that attached before a start (docker run) connect to the monitor's attach socket after the runtime
/// created the process but before it runs, so the first bytes of output reach them.
/// </summary>
public sealed class AttachRendezvous
{
    private readonly ConcurrentDictionary<string, List<Pending>> pending = new(StringComparer.Ordinal);

    /// <summary>Registers an attacher; the returned task completes with the socket path when the process is created.</summary>
    public Pending Register(string id)
    {
        var entry = new Pending();
        var list = pending.GetOrAdd(id, _ => []);
        lock (list) list.Add(entry);
        return entry;
    }

    public void Cancel(string id, Pending entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (pending.TryGetValue(id, out var list)) lock (list) list.Remove(entry);
    }

    /// <summary>Tells every waiting attacher where to connect and waits (briefly) until they did.</summary>
    public async Task ReleaseAsync(string id, string socketPath, CancellationToken cancellationToken)
    {
        if (!pending.TryRemove(id, out var list)) return;
        Pending[] entries;
        lock (list) entries = [.. list];
        foreach (var entry in entries) entry.Ready.TrySetResult(socketPath);
        var connected = Task.WhenAll(entries.Select(e => e.Connected.Task));
        await Task.WhenAny(connected, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The start failed: attachers stop waiting.</summary>
    public void Fail(string id, Exception error)
    {
        if (!pending.TryRemove(id, out var list)) return;
        lock (list) foreach (var entry in list) entry.Ready.TrySetException(error);
    }

    public sealed class Pending
    {
        public TaskCompletionSource<string> Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
