using Berth.Sdk;
using Berth.Sdk.Logging;

namespace Berth.Sdk.Logs;

/// <summary>
/// A log driver with the FIFO plumbing done: derive from it and implement <see cref="WriteAsync"/> (store one entry of a
/// container's output) and, when your driver can read its logs back, <see cref="ReadAsync"/> with
/// <see cref="CanReadLogs"/> true. The base reads each container's FIFO, hands you its entries in order, drains the
/// FIFO before StopLogging returns, treats a repeated StartLogging or StopLogging as done, and turns your sequence of
/// entries into the framed ReadLogs stream berthd expects.
/// </summary>
public abstract class FifoLogDriver : ILogDriver, IAsyncDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, LogSession> sessions = new(StringComparer.Ordinal);
    private int disposed;

    /// <summary>Where the base reports what it cannot throw (a FIFO that broke, an entry that failed): the plugin's log by default.</summary>
    protected virtual TextWriter Log => Console.Error;

    /// <summary>True when <see cref="ReadAsync"/> is implemented (<c>docker logs</c> then reads through the driver).</summary>
    protected virtual bool CanReadLogs => false;

    /// <summary>Stores one entry of <paramref name="container"/>'s output. Called in order, one at a time per container.</summary>
    protected abstract ValueTask WriteAsync(LogInfo container, LogEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// The stored entries of <paramref name="container"/> as <paramref name="config"/> selects them (tail, since, until);
    /// with <see cref="ReadConfig.Follow"/> it goes on with new entries until <paramref name="cancellationToken"/> is
    /// cancelled. Only called when <see cref="CanReadLogs"/> is true.
    /// </summary>
    protected virtual IAsyncEnumerable<LogEntry> ReadAsync(LogInfo container, ReadConfig config, CancellationToken cancellationToken) =>
        throw BerthException.NotImplemented("this log driver does not read logs");

    /// <summary>Checks the container's <c>--log-opt</c> values before logging starts; throw <see cref="BerthException.Invalid"/> to refuse one.</summary>
    protected virtual void ValidateOptions(LogInfo container)
    {
    }

    /// <summary>The container's logging ended (its FIFO drained): close what <see cref="WriteAsync"/> kept open for it.</summary>
    protected virtual ValueTask StoppedAsync(LogInfo container) => ValueTask.CompletedTask;

    public Task<LogCapabilities> CapabilitiesAsync(CancellationToken cancellationToken) => Task.FromResult(new LogCapabilities(CanReadLogs));

    public async Task StartLoggingAsync(string file, LogInfo info, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentNullException.ThrowIfNull(info);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        ValidateOptions(info);
        LogSession? ended = null;
        // Checked and replaced in one step: a replayed StartLogging racing the first must not make two readers.
        lock (gate)
        {
            if (sessions.TryGetValue(file, out var existing))
            {
                if (existing.IsRunning)
                    return;
                ended = existing;
            }
            sessions[file] = new LogSession(file, info, LogFifoReader.Open(file), entry => WriteAsync(info, entry, CancellationToken.None), Log);
        }
        if (ended is not null)
            await EndAsync(ended, drain: false).ConfigureAwait(false);
    }

    public async Task StopLoggingAsync(string file, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        LogSession? session;
        lock (gate)
        {
            if (!sessions.Remove(file, out session))
                return;
        }
        await EndAsync(session, drain: true).ConfigureAwait(false);
    }

    /// <remarks>A following stream has nothing to give until the container writes, so the sequence starts on the first read.</remarks>
    public Task<Stream> ReadLogsAsync(LogInfo info, ReadConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(config);
        if (!CanReadLogs)
            throw BerthException.NotImplemented("this log driver does not read logs");
        return Task.FromResult<Stream>(new LogEntryStream(token => ReadAsync(info, config, token), cancellationToken));
    }

    /// <summary>
    /// Stops reading every FIFO without draining it: what is left waits in the FIFO for the next process (a restart or an
    /// upgrade), which berthd tells to StartLogging again.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        LogSession[] active;
        lock (gate)
        {
            active = [.. sessions.Values];
            sessions.Clear();
        }
        foreach (var session in active)
            await EndAsync(session, drain: false).ConfigureAwait(false);
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the driver holds beyond its sessions.</summary>
    protected virtual ValueTask DisposeAsyncCore() => ValueTask.CompletedTask;

    private async Task EndAsync(LogSession session, bool drain)
    {
        await session.StopAsync(drain).ConfigureAwait(false);
        try
        {
            await StoppedAsync(session.Info).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or BerthException)
        {
            await Log.WriteLineAsync($"{session.Path}: closing the container's log: {ex.Message}").ConfigureAwait(false);
        }
    }
}
