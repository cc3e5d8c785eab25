using System.Globalization;
using System.Runtime.CompilerServices;
using Berth.Sdk;
using Berth.Sdk.Logging;
using Berth.Sdk.Logs;

[assembly: BerthPlugin(typeof(Berth.Driver.Driver))]

namespace Berth.Driver;

/// <summary>
/// The log driver. <see cref="FifoLogDriver"/> reads each container's output from berthd and calls
/// <see cref="WriteAsync"/> once per entry, in order; <see cref="ReadAsync"/> serves <c>docker logs</c>. The FIFO
/// plumbing, draining at stop and idempotent start/stop are the base class's.
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

    // The two methods below are yours: as generated they keep each container's log in a text file under the
    // plugin's root (a line per entry: time, stream, base64 of the bytes), which passes the conformance kit. Replace
    // them with your store (a database, a remote service, syslog…) and run `dotnet test` again.

    /// <summary>Stores one entry (<see cref="LogEntry.Line"/> holds the bytes, without the newline) of the container's output.</summary>
    protected override async ValueTask WriteAsync(LogInfo container, LogEntry entry, CancellationToken cancellationToken) =>
        await File.AppendAllTextAsync(PathOf(container), $"{entry.TimeNano} {entry.Source} {Convert.ToBase64String(entry.Line.Span)}\n", cancellationToken);

    /// <summary>
    /// The stored entries of the container, the last <see cref="ReadConfig.Tail"/> of them when it is not -1; with
    /// <see cref="ReadConfig.Follow"/>, go on with new ones until <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    protected override async IAsyncEnumerable<LogEntry> ReadAsync(LogInfo container, ReadConfig config, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lines = await LinesAsync(container, cancellationToken);
        var first = config.Tail >= 0 ? Math.Max(0, lines.Length - config.Tail) : 0;
        foreach (var line in lines[first..])
            yield return Parse(line);
        for (var seen = lines.Length; config.Follow; seen = lines.Length)
        {
            try
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            lines = await LinesAsync(container, cancellationToken);
            foreach (var line in lines[seen..])
                yield return Parse(line);
        }
    }

    private string PathOf(LogInfo container) => Path.Combine(root, container.ContainerId + ".log");

    private async Task<string[]> LinesAsync(LogInfo container, CancellationToken cancellationToken) =>
        File.Exists(PathOf(container)) ? await File.ReadAllLinesAsync(PathOf(container), cancellationToken) : [];

    private static LogEntry Parse(string line)
    {
        var parts = line.Split(' ');
        return new LogEntry(parts[1], long.Parse(parts[0], CultureInfo.InvariantCulture), Convert.FromBase64String(parts[2]), Partial: false);
    }
}
