using System.Runtime.CompilerServices;
using Berth.Sdk;
using Berth.Sdk.Logging;
using Berth.Sdk.Logs;

namespace Berth.Conformance.Tests.Support;

/// <summary>
/// The smallest driver a third party would write on <see cref="FifoLogDriver"/>: one text file per container under its
/// root, a line per entry (time, source, base64 of the bytes), read back by scanning the file and polling it to follow.
/// </summary>
internal sealed class LineFileLogDriver(string root) : FifoLogDriver
{
    protected override bool CanReadLogs => true;

    protected override void ValidateOptions(LogInfo container)
    {
        foreach (var option in container.Config.Keys)
            throw BerthException.Invalid($"unknown log opt '{option}' for line-file log driver");
    }

    protected override async ValueTask WriteAsync(LogInfo container, LogEntry entry, CancellationToken cancellationToken) =>
        await File.AppendAllTextAsync(PathOf(container), $"{entry.TimeNano} {entry.Source} {Convert.ToBase64String(entry.Line.Span)}\n", cancellationToken);

    protected override async IAsyncEnumerable<LogEntry> ReadAsync(LogInfo container, ReadConfig config, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lines = await LinesAsync(container, cancellationToken);
        var first = config.Tail >= 0 ? Math.Max(0, lines.Length - config.Tail) : 0;
        foreach (var line in lines[first..])
            yield return Parse(line);
        for (var seen = lines.Length; config.Follow && !cancellationToken.IsCancellationRequested;)
        {
            try
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            lines = await LinesAsync(container, cancellationToken);
            foreach (var line in lines[seen..])
                yield return Parse(line);
            seen = lines.Length;
        }
    }

    private string PathOf(LogInfo container) => Path.Combine(root, container.ContainerId + ".log");

    private async Task<string[]> LinesAsync(LogInfo container, CancellationToken cancellationToken) =>
        File.Exists(PathOf(container)) ? await File.ReadAllLinesAsync(PathOf(container), cancellationToken) : [];

    private static LogEntry Parse(string line)
    {
        var parts = line.Split(' ');
        return new LogEntry(parts[1], long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), Convert.FromBase64String(parts[2]), Partial: false);
    }
}
