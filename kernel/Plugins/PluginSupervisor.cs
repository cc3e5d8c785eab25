using Berth.Sdk;
using Berth.Sdk.Hosting.Wire;
using Berth.Sdk.Kernel;
using Berth.Sdk.Protocol;
using Microsoft.Extensions.Logging;
using StreamJsonRpc;

namespace Berth.Kernel.Plugins;

/// <summary>
/// Keeps one plugin running: starts and activates its process, pings it, restarts it with backoff after a
/// crash, bounds every call with a deadline, and swaps versions without dropping calls (hot upgrade).
/// </summary>
public sealed partial class PluginSupervisor : IAsyncDisposable
{
    private const int FailedPingsBeforeKill = 3;
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitReapWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly IPluginProcessLauncher launcher;
    private readonly IKernelHost kernel;
    private readonly Func<PluginTimeouts> timeouts;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Action<string, IReadOnlyDictionary<string, string>> publish;
    private readonly CancellationTokenSource lifetime = new();
    private readonly RestartBackoff backoff = new();
    private readonly Lock gate = new();
    private readonly SemaphoreSlim swap = new(1, 1);

    private PluginLaunchSpec spec;
    private IReadOnlyList<ProtocolId> expected;
    private PluginConnection? current;
    private TaskCompletionSource available = NewSignal();
    private PluginStatus status = PluginStatus.Stopped;
    private int restartCount;
    private string? lastError;
    private DateTimeOffset? startedAt;
    private bool stopping;
    private int disposed;
    private Task? healthLoop;

    public PluginSupervisor(
        PluginLaunchSpec spec,
        IReadOnlyList<ProtocolId> expected,
        IPluginProcessLauncher launcher,
        IKernelHost kernel,
        Func<PluginTimeouts> timeouts,
        TimeProvider time,
        ILogger logger,
        Action<string, IReadOnlyDictionary<string, string>> publish)
    {
        this.spec = spec;
        this.expected = expected;
        this.launcher = launcher;
        this.kernel = kernel;
        this.timeouts = timeouts;
        this.time = time;
        this.logger = logger;
        this.publish = publish;
    }

    public string Name => spec.Name;

    /// <summary>A process started serving (first start, restart after a crash, or upgrade): the kernel replays the state it lost.</summary>
    public event Action? Serving;

    public PluginRuntimeState State
    {
        get
        {
            lock (gate)
            {
                return new PluginRuntimeState(status, current?.Process.Pid ?? 0, current?.Activation.Version ?? spec.Version,
                    restartCount, lastError, startedAt, current?.Activation.Implements ?? []);
            }
        }
    }

    /// <summary>Starts the plugin. With <paramref name="throwOnFailure"/> a failed start is the caller's error; otherwise it is reported and retried with backoff.</summary>
    public async Task StartAsync(bool throwOnFailure, CancellationToken cancellationToken)
    {
        PluginLaunchSpec launch;
        lock (gate)
        {
            status = PluginStatus.Starting;
            launch = spec;
        }
        try
        {
            await InstallAsync(await ConnectAsync(launch, expected, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = AsBerth(ex);
            lock (gate)
            {
                lastError = error.Message;
                status = throwOnFailure ? PluginStatus.Stopped : PluginStatus.Restarting;
            }
            if (throwOnFailure) throw error;
            LogStartFailed(logger, Name, error.Message);
            _ = RestartLoopAsync();
        }
        healthLoop ??= HealthLoopAsync();
    }

    /// <summary>Sends one call to whichever process currently serves the plugin.</summary>
    public async Task<T> InvokeAsync<T>(CallOptions call, IReadOnlyList<object?> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var t = timeouts();
        var limit = call.LongRunning ? t.Call * CallOptions.LongRunningFactor : t.Call;
        using var deadline = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        PluginConnection? failed = null;
        for (var attempt = 0; ; attempt++)
        {
            var connection = await WaitForConnectionAsync(call, limit, deadline, linked.Token, cancellationToken, failed).ConfigureAwait(false);
            try
            {
                return await connection.Rpc.Rpc
                    .InvokeWithCancellationAsync<T>(call.Method, arguments.ToList(), linked.Token)
                    .WaitAsync(linked.Token)
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new BerthException(BerthErrorKind.Timeout,
                    $"plugin {Name} did not answer {call.Method} within {limit.TotalSeconds:0.###}s (plugin-call-timeout)");
            }
            catch (Exception ex) when (attempt == 0 && call.Idempotent && ex is ConnectionLostException or ObjectDisposedException)
            {
                LogRetrying(logger, Name, call.Method);
                failed = connection;
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not BerthException)
            {
                throw RpcErrors.Translate(ex, $"plugin {Name}", call.Method);
            }
            finally
            {
                connection.Exit();
            }
        }
    }

    private async Task<PluginConnection> WaitForConnectionAsync(CallOptions call, TimeSpan limit, CancellationTokenSource deadline, CancellationToken token, CancellationToken caller, PluginConnection? failed)
    {
        while (true)
        {
            Task signal;
            bool retiring;
            lock (gate)
            {
                if (stopping) throw BerthException.Unavailable($"plugin {Name} is not enabled");
                if (current is not null && !ReferenceEquals(current, failed))
                {
                    // Counted under the lock, so an upgrade that swaps `current` drains this call before stopping its process.
                    current.Enter();
                    return current;
                }
                // The connection that just lost this call stays current until WatchAsync retires it: wait for that, then for its successor.
                retiring = current is not null;
                signal = retiring ? current!.Retired.Task : available.Task;
            }
            try
            {
                await signal.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !caller.IsCancellationRequested)
            {
                throw BerthException.Unavailable(
                    $"plugin {Name} is unavailable for {call.Method}: not running after {limit.TotalSeconds:0.###}s ({lastError ?? status.ToString().ToLowerInvariant()})");
            }
            if (retiring) continue;
            lock (gate)
            {
                if (current is null) throw BerthException.Unavailable($"plugin {Name} is unavailable: {lastError ?? "restarting"}");
                current.Enter();
                return current;
            }
        }
    }

    /// <summary>Hot upgrade: starts <paramref name="next"/>, routes new calls to it, drains and stops the old process.</summary>
    /// <exception cref="BerthException">The new version did not start; the old one keeps serving.</exception>
    public async Task UpgradeAsync(PluginLaunchSpec next, IReadOnlyList<ProtocolId> nextProtocols, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        await swap.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await ConnectAsync(next, nextProtocols, cancellationToken).ConfigureAwait(false);
            lock (gate)
            {
                spec = next;
                expected = nextProtocols;
            }
            await InstallAsync(connection).ConfigureAwait(false);
        }
        finally
        {
            swap.Release();
        }
    }

    /// <summary>
    /// A hot upgrade: state is replayed to the new process only once the old one stopped. A log driver's FIFO then
    /// never has two readers (which could split a frame between them); its lines wait in the FIFO meanwhile.
    /// </summary>
    private async Task RetireThenAnnounceAsync(PluginConnection old)
    {
        await RetireAsync(old).ConfigureAwait(false);
        Serving?.Invoke();
    }

    private async Task RetireAsync(PluginConnection old)
    {
        try
        {
            var drainUntil = time.GetUtcNow() + DrainLimit;
            while (old.InFlight > 0 && time.GetUtcNow() < drainUntil)
                await Task.Delay(TimeSpan.FromMilliseconds(50), time).ConfigureAwait(false);
            await old.StopAsync(StopGrace, time).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogBackgroundFailure(logger, Name, "retiring the previous process", ex);
        }
    }

    private Task<PluginConnection> ConnectAsync(PluginLaunchSpec launch, IReadOnlyList<ProtocolId> protocols, CancellationToken cancellationToken) =>
        PluginConnection.StartAsync(launcher, launch, protocols, kernel, timeouts().Activation, time, cancellationToken);

    /// <summary>Makes <paramref name="connection"/> the serving one; the one it replaces is drained and stopped. A stopped supervisor refuses it.</summary>
    private async Task InstallAsync(PluginConnection connection)
    {
        TaskCompletionSource signal;
        PluginConnection? replaced;
        lock (gate)
        {
            if (stopping)
            {
                replaced = null;
                signal = null!;
            }
            else
            {
                replaced = current;
                current = connection;
                status = PluginStatus.Running;
                startedAt = time.GetUtcNow();
                lastError = null;
                signal = available;
            }
        }
        if (signal is null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw BerthException.Unavailable($"plugin {Name} was stopped while it started");
        }
        signal.TrySetResult();
        LogRunning(logger, Name, connection.Activation.Version, connection.Process.Pid);
        _ = WatchAsync(connection);
        if (replaced is null)
            Serving?.Invoke();
        else
            _ = RetireThenAnnounceAsync(replaced);
    }

    private static BerthException AsBerth(Exception ex) =>
        ex as BerthException ?? new BerthException(BerthErrorKind.System, $"{ex.GetType().Name}: {ex.Message}", ex);

    private async Task WatchAsync(PluginConnection connection)
    {
        try
        {
            await WatchOnceAsync(connection).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogBackgroundFailure(logger, Name, "handling the end of its process", ex);
        }
    }

    // The pipe to a killed process breaks a moment before its exit is reaped: wait for the exit a little, not for ever.
    private async Task<int> ExitCodeAsync(PluginConnection connection)
    {
        try
        {
            return await connection.Process.Exited.WaitAsync(ExitReapWait, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return -1;
        }
    }

    private async Task WatchOnceAsync(PluginConnection connection)
    {
        await connection.Ended.ConfigureAwait(false);
        TimeSpan uptime;
        lock (gate)
        {
            if (stopping || !ReferenceEquals(current, connection))
            {
                connection.Retired.TrySetResult();
                return;
            }
            current = null;
            available = NewSignal();
            status = PluginStatus.Restarting;
            uptime = time.GetUtcNow() - (startedAt ?? time.GetUtcNow());
        }
        connection.Retired.TrySetResult();
        var exitCode = await ExitCodeAsync(connection).ConfigureAwait(false);
        lock (gate) lastError = $"plugin process {connection.Process.Pid} exited with code {exitCode}";
        LogCrashed(logger, Name, connection.Process.Pid, exitCode);
        publish("crash", Attributes(("pid", connection.Process.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("exitCode", exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await RestartLoopAsync(uptime).ConfigureAwait(false);
        }
    }

    private async Task RestartLoopAsync(TimeSpan uptime = default)
    {
        var delay = backoff.Next(uptime);
        while (!lifetime.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, time, lifetime.Token).ConfigureAwait(false);
                // Restarts and upgrades take turns: whichever comes second sees the other's process serving.
                await swap.WaitAsync(lifetime.Token).ConfigureAwait(false);
                try
                {
                    PluginLaunchSpec launch;
                    IReadOnlyList<ProtocolId> protocols;
                    lock (gate)
                    {
                        if (current is not null) return;
                        launch = spec;
                        protocols = expected;
                    }
                    var connection = await ConnectAsync(launch, protocols, lifetime.Token).ConfigureAwait(false);
                    await InstallAsync(connection).ConfigureAwait(false);
                    int count;
                    // Counted when a new process serves: a crash during activation and its retry count too.
                    lock (gate) count = ++restartCount;
                    publish("restart", Attributes(("pid", connection.Process.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                        ("restartCount", count.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                    return;
                }
                finally
                {
                    swap.Release();
                }
            }
            catch (Exception) when (lifetime.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var error = AsBerth(ex);
                lock (gate) lastError = error.Message;
                LogStartFailed(logger, Name, error.Message);
                delay = backoff.Next(TimeSpan.Zero);
            }
        }
    }

    private async Task HealthLoopAsync()
    {
        var failures = 0;
        while (!lifetime.IsCancellationRequested)
        {
            var t = timeouts();
            try
            {
                await Task.Delay(t.HealthInterval, time, lifetime.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            PluginConnection? connection;
            lock (gate) connection = current;
            if (connection is null)
            {
                failures = 0;
                continue;
            }
            try
            {
                using var deadline = new CancellationTokenSource(t.Ping, time);
                await connection.Control.PingAsync(deadline.Token).WaitAsync(deadline.Token).ConfigureAwait(false);
                failures = 0;
            }
            catch (Exception ex) when (!lifetime.IsCancellationRequested)
            {
                failures++;
                LogPingFailed(logger, Name, failures, ex.Message);
                if (failures >= FailedPingsBeforeKill)
                {
                    failures = 0;
                    lock (gate) lastError = $"plugin stopped answering pings; killed process {connection.Process.Pid}";
                    connection.Process.Kill();
                }
            }
        }
    }

    /// <summary>Stops the plugin (disable, remove, daemon shutdown).</summary>
    public async Task StopAsync()
    {
        PluginConnection? connection;
        lock (gate)
        {
            if (stopping) return;
            stopping = true;
            connection = current;
            current = null;
            status = PluginStatus.Stopped;
        }
        await lifetime.CancelAsync().ConfigureAwait(false);
        available.TrySetResult();
        if (connection is not null) await connection.StopAsync(StopGrace, time).ConfigureAwait(false);
        if (healthLoop is not null) await healthLoop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        await StopAsync().ConfigureAwait(false);
        lifetime.Dispose();
        swap.Dispose();
    }

    private Dictionary<string, string> Attributes(params (string Key, string Value)[] extra)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal) { ["name"] = Name };
        foreach (var (key, value) in extra) attributes[key] = value;
        return attributes;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Information, Message = "plugin {Name} {Version} running as process {Pid}")]
    private static partial void LogRunning(ILogger logger, string name, string version, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "plugin {Name} process {Pid} exited with code {ExitCode}; restarting")]
    private static partial void LogCrashed(ILogger logger, string name, int pid, int exitCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "plugin {Name} failed to start: {Error}")]
    private static partial void LogStartFailed(ILogger logger, string name, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "plugin {Name} missed ping {Count}: {Error}")]
    private static partial void LogPingFailed(ILogger logger, string name, int count, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "plugin {Name}: failed while {What}")]
    private static partial void LogBackgroundFailure(ILogger logger, string name, string what, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "plugin {Name} lost its process during {Method}; retrying the idempotent call once")]
    private static partial void LogRetrying(ILogger logger, string name, string method);
}

/// <summary>The supervisor's deadlines, read on every use so a config reload applies at once.</summary>
public sealed record PluginTimeouts(TimeSpan Call, TimeSpan Activation, TimeSpan HealthInterval, TimeSpan Ping);
