using Berth.Sdk;
using Berth.Sdk.Logging;

[assembly: BerthPlugin(typeof(Berth.Plugins.JsonLog.JsonLogPlugin))]

namespace Berth.Plugins.JsonLog;

/// <summary>
/// The json-file log plugin. It answers its capabilities (it can read logs back); writing and reading
/// container logs are not built yet and say so.
/// </summary>
public sealed class JsonLogPlugin : ILogDriver
{
    public Task<LogCapabilities> CapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new LogCapabilities(ReadLogs: true));

    public Task StartLoggingAsync(string file, LogInfo info, CancellationToken cancellationToken) => throw NotYet("StartLogging");
    public Task StopLoggingAsync(string file, CancellationToken cancellationToken) => throw NotYet("StopLogging");
    public Task<Stream> ReadLogsAsync(LogInfo info, ReadConfig config, CancellationToken cancellationToken) => throw NotYet("ReadLogs");

    private static BerthException NotYet(string method) =>
        BerthException.NotImplemented($"json-log: {method} is not implemented yet: container logs are not supported by this version of Berth");
}
