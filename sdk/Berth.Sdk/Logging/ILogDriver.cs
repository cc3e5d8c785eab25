namespace Berth.Sdk.Logging;

/// <summary>
/// Docker's LogDriver plugin API. The kernel creates a FIFO per container and passes its path:
/// container output flows kernel → FIFO → plugin directly, framed as Docker's log plugin protocol
/// (<c>uint32 big-endian length</c> + protobuf <c>LogEntry</c>), never line by line over RPC.
/// </summary>
public interface ILogDriver
{
    [Idempotent]
    Task<LogCapabilities> CapabilitiesAsync(CancellationToken cancellationToken);

    Task StartLoggingAsync(string file, LogInfo info, CancellationToken cancellationToken);

    /// <summary>The container stopped; drain <paramref name="file"/> and let go of it.</summary>
    Task StopLoggingAsync(string file, CancellationToken cancellationToken);

    /// <summary>A stream of framed LogEntry messages until EOF (or until cancelled when following).</summary>
    [Idempotent]
    Task<Stream> ReadLogsAsync(LogInfo info, ReadConfig config, CancellationToken cancellationToken);
}

public sealed record LogCapabilities(bool ReadLogs);

public sealed record LogInfo(
    IReadOnlyDictionary<string, string> Config,
    string ContainerId,
    string ContainerName,
    string? ContainerEntrypoint,
    IReadOnlyList<string> ContainerArgs,
    string ContainerImageId,
    string ContainerImageName,
    DateTimeOffset ContainerCreated,
    IReadOnlyList<string> ContainerEnv,
    IReadOnlyDictionary<string, string> ContainerLabels,
    string LogPath,
    string DaemonName);

/// <param name="Tail">Lines from the end; -1 for all.</param>
public sealed record ReadConfig(DateTimeOffset? Since, DateTimeOffset? Until, int Tail, bool Follow);
