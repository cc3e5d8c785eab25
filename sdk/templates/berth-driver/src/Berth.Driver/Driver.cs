using Berth.Sdk;
using Berth.Sdk.Logging;
using Berth.Sdk.Logs;

[assembly: BerthPlugin(typeof(Berth.Driver.Driver))]

namespace Berth.Driver;

/// <summary>
/// The log driver. <see cref="FifoLogDriver"/> reads each container's output from berthd and calls
/// <see cref="WriteAsync"/> once per entry, in order; <see cref="ReadAsync"/> serves <c>docker logs</c>.
/// Keep state under <see cref="PluginContext.Root"/>: berthd may restart or upgrade the plugin at any time and then
/// calls StartLogging again for every running container.
/// </summary>
public sealed class Driver(PluginContext context) : FifoLogDriver
{
    private readonly string root = context.Root;

    protected override TextWriter Log => context.Log;

    protected override bool CanReadLogs => true;

    /// <summary>Refuse the --log-opt values you do not understand, as Docker's drivers do.</summary>
    protected override void ValidateOptions(LogInfo container)
    {
        foreach (var option in container.Config.Keys)
            throw BerthException.Invalid($"unknown log opt '{option}' for {context.Name} log driver");
    }

    /// <summary>Stores one entry (<see cref="LogEntry.Line"/> holds the bytes, without the newline) of the container's output.</summary>
    protected override ValueTask WriteAsync(LogInfo container, LogEntry entry, CancellationToken cancellationToken)
    {
        // TODO: store the entry, e.g. append it to a file under root named after container.ContainerId.
        throw new NotImplementedException();
    }

    /// <summary>
    /// The stored entries of the container, the last <see cref="ReadConfig.Tail"/> of them when it is not -1; with
    /// <see cref="ReadConfig.Follow"/>, go on with new ones until <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    protected override IAsyncEnumerable<LogEntry> ReadAsync(LogInfo container, ReadConfig config, CancellationToken cancellationToken)
    {
        // TODO: read back what WriteAsync stored (an async iterator: `async IAsyncEnumerable<LogEntry>` with
        // [EnumeratorCancellation] on the token).
        throw new NotImplementedException();
    }
}
