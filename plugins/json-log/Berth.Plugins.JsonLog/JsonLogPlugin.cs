using Berth.Plugins.JsonLog.Options;
using Berth.Plugins.JsonLog.Reading;
using Berth.Plugins.JsonLog.Writing;
using Berth.Sdk;
using Berth.Sdk.Logging;
using Berth.Sdk.Logs;

[assembly: BerthPlugin(typeof(Berth.Plugins.JsonLog.JsonLogPlugin))]

namespace Berth.Plugins.JsonLog;

/// <summary>
/// Docker's json-file log driver behind Berth's log-driver contract: one logging session per container FIFO writes
/// <c>&lt;id&gt;-json.log</c> with rotation and compression; ReadLogs reads the files back as log-plugin frames.
/// Sessions live only in this process: after a restart the kernel calls StartLogging again and the log is appended to.
/// </summary>
public sealed class JsonLogPlugin : ILogDriver, IAsyncDisposable
{
    private readonly Dictionary<string, LoggingSession> sessions = new(StringComparer.Ordinal);
    private readonly HashSet<Task> readers = [];
    private readonly Lock gate = new();
    private readonly LogFileHubs hubs = new();
    private readonly CancellationTokenSource disposing = new();
    private int disposed;

    public Task<LogCapabilities> CapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new LogCapabilities(ReadLogs: true));

    /// <summary>Starts draining <paramref name="file"/>; a call for a FIFO that is already drained changes nothing.</summary>
    public async Task StartLoggingAsync(string file, LogInfo info, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentNullException.ThrowIfNull(info);
        if (string.IsNullOrEmpty(info.LogPath)) throw BerthException.Invalid($"json-log: no log path given for container {info.ContainerId}");
        var options = JsonFileOptions.Parse(info);
        LoggingSession? ended = null;
        lock (gate)
        {
            if (sessions.TryGetValue(file, out var existing))
            {
                if (existing.IsRunning) return;
                sessions.Remove(file);
                ended = existing;
            }
        }
        if (ended is not null) await StopSessionAsync(ended).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var fifo = LogFifoReader.Open(file);
        var hub = hubs.Acquire(info.LogPath);
        RotatingLogFile log;
        ReplayFilter replay;
        try
        {
            replay = ReplayFilter.ForLog(info.LogPath);
            log = RotatingLogFile.Open(info.LogPath, options, hub);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            fifo.Dispose();
            hubs.Release(hub);
            throw new BerthException($"json-log: opening {info.LogPath}: {ex.Message}", ex);
        }
        lock (gate)
        {
            if (!sessions.ContainsKey(file))
            {
                sessions[file] = new LoggingSession(file, fifo, log, hub, replay);
                return;
            }
        }
        // Another StartLogging for the same FIFO won the race.
        await log.DisposeAsync().ConfigureAwait(false);
        fifo.Dispose();
        hubs.Release(hub);
    }

    /// <summary>Writes what is left in the FIFO and lets go of it; a FIFO that is not drained is not an error.</summary>
    public async Task StopLoggingAsync(string file, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        LoggingSession? session;
        lock (gate)
        {
            if (!sessions.Remove(file, out session)) return;
        }
        await StopSessionAsync(session).ConfigureAwait(false);
    }

    public async Task<Stream> ReadLogsAsync(LogInfo info, ReadConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrEmpty(info.LogPath)) throw BerthException.Invalid($"json-log: no log path given for container {info.ContainerId}");
        var hub = hubs.Acquire(info.LogPath);
        var reader = new LogReader(hub, config, JsonFileOptions.RotatedFiles(info.Config));
        try
        {
            await reader.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            hubs.Release(hub);
            if (ex is OperationCanceledException) throw;
            throw new BerthException($"json-log: reading {info.LogPath}: {ex.Message}", ex);
        }
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, disposing.Token);
        lock (gate)
        {
            var run = Task.Run(() => RunReaderAsync(reader, hub, stop));
            readers.Add(run);
            _ = run.ContinueWith(Forget, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
        return reader.Output;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        await disposing.CancelAsync().ConfigureAwait(false);
        Task[] running;
        LoggingSession[] active;
        lock (gate)
        {
            running = [.. readers];
            active = [.. sessions.Values];
            sessions.Clear();
        }
        await Task.WhenAll(running).ConfigureAwait(false);
        foreach (var session in active) await StopSessionAsync(session).ConfigureAwait(false);
        disposing.Dispose();
    }

    private async Task RunReaderAsync(LogReader reader, LogFileHub hub, CancellationTokenSource stop)
    {
        try
        {
            await reader.RunAsync(stop.Token).ConfigureAwait(false);
        }
        finally
        {
            stop.Dispose();
            hubs.Release(hub);
        }
    }

    private void Forget(Task run)
    {
        lock (gate) readers.Remove(run);
    }

    private async Task StopSessionAsync(LoggingSession session)
    {
        try
        {
            await session.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            hubs.Release(session.Hub);
        }
    }
}
