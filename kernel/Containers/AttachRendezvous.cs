namespace Berth.Kernel.Containers;

/// <summary>
/// Lets clients that attached before a start (docker run) connect to the monitor's attach socket after the runtime
/// created the process but before it runs, so the first bytes of output reach them.
/// </summary>
public sealed class AttachRendezvous
{
    // One lock for the map and its lists: an attacher registering while a start releases is either released or
    // left for the next start, never added to a list that was already taken.
    private readonly Dictionary<string, List<Pending>> pending = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Registers an attacher; the returned task completes with the socket path when the process is created.</summary>
    public Pending Register(string id)
    {
        var entry = new Pending();
        lock (gate)
        {
            if (!pending.TryGetValue(id, out var list)) pending[id] = list = [];
            list.Add(entry);
        }
        return entry;
    }

    public void Cancel(string id, Pending entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (gate)
        {
            if (pending.TryGetValue(id, out var list) && list.Remove(entry) && list.Count == 0) pending.Remove(id);
        }
    }

    /// <summary>Tells every waiting attacher where to connect and waits (briefly) until they did.</summary>
    public async Task ReleaseAsync(string id, string socketPath, CancellationToken cancellationToken)
    {
        var entries = Take(id);
        if (entries.Length == 0) return;
        foreach (var entry in entries) entry.Ready.TrySetResult(socketPath);
        var connected = Task.WhenAll(entries.Select(e => e.Connected.Task));
        await Task.WhenAny(connected, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The start failed: attachers stop waiting.</summary>
    public void Fail(string id, Exception error)
    {
        foreach (var entry in Take(id)) entry.Ready.TrySetException(error);
    }

    private Pending[] Take(string id)
    {
        lock (gate) return pending.Remove(id, out var list) ? [.. list] : [];
    }

    public sealed class Pending
    {
        public TaskCompletionSource<string> Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
