using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Berth.Sdk;
using Berth.Sdk.Logging;
using Berth.Sdk.Logs;

[assembly: BerthPlugin(typeof(Berth.Examples.DailyLog.DailyLogDriver))]

namespace Berth.Examples.DailyLog;

/// <summary>
/// A log driver keeping each container's output in one file per UTC day under the plugin's state directory
/// (<see cref="DayFiles"/>), as JSON lines (<see cref="LogLine"/>), and reading them back for <c>docker logs</c>.
/// <c>--log-opt max-days=N</c> keeps the last N days of files. <see cref="FifoLogDriver"/> does the FIFO work.
/// </summary>
public sealed class DailyLogDriver(PluginContext context) : FifoLogDriver
{
    private const string MaxDaysOption = "max-days";
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(200);

    private readonly DayFiles files = new(context.Root);
    private readonly ConcurrentDictionary<string, DayWriter> writers = new(StringComparer.Ordinal);

    protected override TextWriter Log => context.Log;

    protected override bool CanReadLogs => true;

    protected override void ValidateOptions(LogInfo container)
    {
        foreach (var (key, value) in container.Config)
        {
            if (key != MaxDaysOption) throw BerthException.Invalid($"unknown log opt '{key}' for daily-log log driver");
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days < 1)
                throw BerthException.Invalid($"daily-log: {MaxDaysOption} must be a whole number of days, 1 or more: \"{value}\"");
        }
        files.DirectoryOf(container.ContainerId);
    }

    protected override async ValueTask WriteAsync(LogInfo container, LogEntry entry, CancellationToken cancellationToken)
    {
        var day = LogLine.DayOf(entry.TimeNano);
        var writer = writers.GetOrAdd(container.ContainerId, _ => new DayWriter());
        if (writer.Day != day)
        {
            await writer.OpenAsync(files.PathOf(container.ContainerId, day), day);
            if (container.Config.TryGetValue(MaxDaysOption, out var keep))
                files.Prune(container.ContainerId, day, int.Parse(keep, CultureInfo.InvariantCulture));
        }
        await writer.WriteAsync(LogLine.Encode(entry), cancellationToken);
    }

    protected override async ValueTask StoppedAsync(LogInfo container)
    {
        if (writers.TryRemove(container.ContainerId, out var writer)) await writer.DisposeAsync();
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        foreach (var id in writers.Keys)
        {
            if (writers.TryRemove(id, out var writer)) await writer.DisposeAsync();
        }
    }

    protected override async IAsyncEnumerable<LogEntry> ReadAsync(LogInfo container, ReadConfig config, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = new DayFileCursor(files, container.ContainerId);
        var stored = Select(await cursor.ReadNewLinesAsync(cancellationToken), config).ToList();
        var first = config.Tail >= 0 ? Math.Max(0, stored.Count - config.Tail) : 0;
        foreach (var entry in stored.Skip(first))
        {
            if (IsAfterUntil(entry, config)) yield break;
            yield return entry;
        }
        while (config.Follow)
        {
            try
            {
                await Task.Delay(FollowInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            foreach (var entry in Select(await cursor.ReadNewLinesAsync(cancellationToken), config))
            {
                if (IsAfterUntil(entry, config)) yield break;
                yield return entry;
            }
        }
    }

    private IEnumerable<LogEntry> Select(List<byte[]> lines, ReadConfig config) =>
        lines.Select(Decode).OfType<LogEntry>().Where(e => config.Since is not { } since || e.TimeNano >= ToNano(since));

    /// <summary>A line that is not an entry (the torn end of a write a crash cut short) is skipped, not fatal to the read.</summary>
    private LogEntry? Decode(byte[] line)
    {
        try
        {
            return LogLine.Decode(line);
        }
        catch (FormatException ex)
        {
            context.Log.WriteLine($"daily-log: skipping a line that is not an entry: {ex.Message}");
            return null;
        }
    }

    private static bool IsAfterUntil(LogEntry entry, ReadConfig config) => config.Until is { } until && entry.TimeNano > ToNano(until);

    private static long ToNano(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>The open file of a container's current day; written by one entry at a time (the base's promise).</summary>
    private sealed class DayWriter : IAsyncDisposable
    {
        private FileStream? file;

        public string? Day { get; private set; }

        public async Task OpenAsync(string path, string day)
        {
            await DisposeAsync();
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var torn = EndsMidLine(path);
            file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            if (torn) await file.WriteAsync("\n"u8.ToArray()); // a process killed mid-write left half a line: end it
            Day = day;
        }

        private static bool EndsMidLine(string path)
        {
            if (!File.Exists(path)) return false;
            using var existing = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (existing.Length == 0) return false;
            existing.Position = existing.Length - 1;
            return existing.ReadByte() != '\n';
        }

        /// <summary>Each entry reaches the file before the next is read from the FIFO: a reader sees it at once.</summary>
        public async Task WriteAsync(byte[] line, CancellationToken cancellationToken)
        {
            await file!.WriteAsync(line, cancellationToken);
            await file.FlushAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            if (file is not null) await file.DisposeAsync();
            file = null;
            Day = null;
        }
    }
}
