using Berth.Sdk.Logging;

namespace Berth.Kernel.Tests.Support;

/// <summary>A log driver plugin the supervisor tests serve in memory; each instance is one plugin process's object.</summary>
internal sealed class TestLogDriver(string version = "1.0.0") : ILogDriver, IDisposable
{
    private int capabilitiesCalls;
    private int stopLoggingCalls;

    public string Version { get; } = version;

    /// <summary>When set, Capabilities waits for it (ignoring cancellation).</summary>
    public TaskCompletionSource? CapabilitiesGate { get; init; }

    /// <summary>When set, StopLogging waits for it (ignoring cancellation): a hung call.</summary>
    public TaskCompletionSource? StopLoggingGate { get; init; }

    public TaskCompletionSource CapabilitiesEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource StopLoggingEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int CapabilitiesCalls => Volatile.Read(ref capabilitiesCalls);

    public int StopLoggingCalls => Volatile.Read(ref stopLoggingCalls);

    public List<string> Started { get; } = [];

    public bool Disposed { get; private set; }

    public async Task<LogCapabilities> CapabilitiesAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref capabilitiesCalls);
        CapabilitiesEntered.TrySetResult();
        if (CapabilitiesGate is { } gate) await gate.Task.ConfigureAwait(false);
        return new LogCapabilities(ReadLogs: Version != "1.0.0");
    }

    public Task StartLoggingAsync(string file, LogInfo info, CancellationToken cancellationToken)
    {
        lock (Started) Started.Add(file);
        return Task.CompletedTask;
    }

    public async Task StopLoggingAsync(string file, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref stopLoggingCalls);
        StopLoggingEntered.TrySetResult();
        if (StopLoggingGate is { } gate) await gate.Task.ConfigureAwait(false);
    }

    public Task<Stream> ReadLogsAsync(LogInfo info, ReadConfig config, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new MemoryStream("{\"log\":\"hi\\n\"}"u8.ToArray()));

    public void Dispose() => Disposed = true;

    public static LogInfo Info(string containerId = "c0ffee") => new(
        new Dictionary<string, string>(), containerId, "/web", null, [], "sha256:abc", "alpine", DateTimeOffset.UnixEpoch,
        [], new Dictionary<string, string>(), $"/var/lib/berth/containers/{containerId}/{containerId}-json.log", "berthd");
}
