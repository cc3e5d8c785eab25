using System.IO.Compression;
using System.IO.Pipelines;
using Berth.Plugins.JsonLog.Format;
using Berth.Plugins.JsonLog.Native;
using Berth.Sdk.Logging;

namespace Berth.Plugins.JsonLog.Reading;

/// <summary>
/// One ReadLogs call: turns the json-file lines of a log's rotation set back into log-plugin frames on a pipe the
/// kernel reads. Tail is taken first and since/until filter what it selected, as moby's tailFiles does; then, when
/// following, the live file is read on as it grows and across rotations until the consumer goes away, the
/// cancellation token fires, until passes or the container's writer stops.
/// </summary>
internal sealed class LogReader
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly LogFileHub hub;
    private readonly ReadConfig config;
    private readonly int rotatedFiles;
    private readonly long? since, until;
    private readonly Pipe pipe = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly LineBuffer lines = new();
    private byte[] scratch = new byte[1 << 16];
    private long followPosition;
    private LogFileSet? files;
    private int writerStops;

    public LogReader(LogFileHub hub, ReadConfig config, int rotatedFiles)
    {
        this.hub = hub;
        this.config = config;
        this.rotatedFiles = rotatedFiles;
        since = config.Since is { } s ? Rfc3339Nano.ToUnixNanos(s) : null;
        until = config.Until is { } u ? Rfc3339Nano.ToUnixNanos(u) : null;
        Output = pipe.Reader.AsStream();
    }

    /// <summary>The frames; disposing it stops the reader.</summary>
    public Stream Output { get; }

    /// <summary>
    /// Fixes what "now" is before the call returns: the files are opened and the live file's end found, so with
    /// <c>--tail 0 --follow</c> every line written after ReadLogs answered is seen.
    /// </summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        writerStops = hub.WriterStops;
        files = LogFileSet.Open(hub, rotatedFiles, since);
        try
        {
            if (files.Live is { } live) live.End = await TailScanner.LastLineEndAsync(live.Handle, live.Length, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Close();
            throw;
        }
    }

    /// <summary>Lets go of the files when <see cref="RunAsync"/> will not run.</summary>
    public void Close()
    {
        files?.Dispose();
        files = null;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Exception? error = null;
        try
        {
            await ProduceAsync(files ?? throw new InvalidOperationException("OpenAsync first"), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error = new IOException($"json-log: reading {hub.Path}: {ex.Message}", ex);
        }
        finally
        {
            Close();
            await pipe.Writer.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    private async Task ProduceAsync(LogFileSet files, CancellationToken cancellationToken)
    {
        if (config.Tail != 0)
        {
            foreach (var (file, from) in await PlanAsync(files, cancellationToken).ConfigureAwait(false))
            {
                var done = file.Compressed
                    ? await EmitCompressedAsync(file, from, cancellationToken).ConfigureAwait(false)
                    : await EmitRangeAsync(file, from, cancellationToken).ConfigureAwait(false);
                if (done) return;
            }
        }
        if (!config.Follow) return;
        followPosition = files.Live?.End ?? 0;
        await FollowAsync(files.TakeLive(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The files to read, oldest first, each with where to start: a byte offset, or for a compressed file the number
    /// of lines to skip. With a tail, only the newest files that hold the last lines are included.
    /// </summary>
    private async Task<List<(OpenLogFile File, long From)>> PlanAsync(LogFileSet files, CancellationToken cancellationToken)
    {
        var all = files.Rotated.ToList();
        if (files.Live is { } live) all.Add(live);
        foreach (var file in files.Rotated.Where(f => !f.Compressed))
            file.End = await TailScanner.LastLineEndAsync(file.Handle, file.Length, cancellationToken).ConfigureAwait(false);
        if (config.Tail < 0) return all.Select(f => (f, 0L)).ToList();
        var plan = new List<(OpenLogFile, long)>();
        var needed = config.Tail;
        for (var i = all.Count - 1; i >= 0 && needed > 0; i--)
        {
            var file = all[i];
            if (file.Compressed)
            {
                var total = await CountLinesAsync(file, cancellationToken).ConfigureAwait(false);
                plan.Insert(0, (file, Math.Max(0, total - needed)));
                needed -= (int)Math.Min(total, needed);
            }
            else
            {
                var (start, found) = await TailScanner.FindStartAsync(file.Handle, file.End, needed, cancellationToken).ConfigureAwait(false);
                plan.Insert(0, (file, start));
                needed -= found;
            }
        }
        return plan;
    }

    /// <summary>Emits the lines of a plain file from <paramref name="from"/> to its end; true when reading is over.</summary>
    private async Task<bool> EmitRangeAsync(OpenLogFile file, long from, CancellationToken cancellationToken)
    {
        lines.Clear();
        var position = from;
        while (position < file.End)
        {
            var space = lines.FreeSpace;
            var read = await RandomAccess.ReadAsync(file.Handle, space[..(int)Math.Min(space.Length, file.End - position)], position, cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            position += read;
            lines.Advance(read);
            if (EmitLines(0).Stop || await ConsumerGoneAsync(cancellationToken).ConfigureAwait(false)) return true;
        }
        return false;
    }

    /// <summary>Emits the lines of a compressed file after the first <paramref name="skip"/>; true when reading is over.</summary>
    private async Task<bool> EmitCompressedAsync(OpenLogFile file, long skip, CancellationToken cancellationToken)
    {
        lines.Clear();
        file.Stream!.Position = 0;
        var gzip = new GZipStream(file.Stream, CompressionMode.Decompress, leaveOpen: true);
        await using (gzip.ConfigureAwait(false))
        {
            int read;
            while ((read = await gzip.ReadAsync(lines.FreeSpace, cancellationToken).ConfigureAwait(false)) > 0)
            {
                lines.Advance(read);
                var outcome = EmitLines(skip);
                skip = Math.Max(0, skip - outcome.Skipped);
                if (outcome.Stop || await ConsumerGoneAsync(cancellationToken).ConfigureAwait(false)) return true;
            }
        }
        return false;
    }

    private static async Task<long> CountLinesAsync(OpenLogFile file, CancellationToken cancellationToken)
    {
        file.Stream!.Position = 0;
        var gzip = new GZipStream(file.Stream, CompressionMode.Decompress, leaveOpen: true);
        await using (gzip.ConfigureAwait(false))
        {
            var buffer = new byte[1 << 16];
            long count = 0;
            int read;
            while ((read = await gzip.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                count += buffer.AsSpan(0, read).Count((byte)'\n');
            return count;
        }
    }

    /// <summary>Follows the live file: reads on as it grows, moves to the new file after a rotation.</summary>
    private async Task FollowAsync(OpenLogFile? live, CancellationToken cancellationToken)
    {
        lines.Clear();
        try
        {
            while (true)
            {
                var changed = hub.Changed;
                if (live is not null)
                {
                    var (done, progressed) = await ReadOnAsync(live, cancellationToken).ConfigureAwait(false);
                    if (done) return;
                    if (progressed) continue;
                }
                var current = LibC.Identity(hub.Path);
                if (current is not null && current != live?.Identity)
                {
                    if (live is not null)
                    {
                        // Lines written just before the rename are still in the old file.
                        if ((await ReadOnAsync(live, cancellationToken).ConfigureAwait(false)).Done) return;
                        live.Dispose();
                    }
                    live = OpenLogFile.TryOpen(hub.Path);
                    followPosition = 0;
                    lines.Clear();
                    continue;
                }
                if (hub.WriterStops != writerStops) return;
                if (until is { } last && Rfc3339Nano.ToUnixNanos(DateTimeOffset.UtcNow) > last) return;
                if (await ConsumerGoneAsync(cancellationToken).ConfigureAwait(false)) return;
                await changed.WaitAsync(PollInterval, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            live?.Dispose();
        }
    }

    private async Task<(bool Done, bool Progressed)> ReadOnAsync(OpenLogFile live, CancellationToken cancellationToken)
    {
        var progressed = false;
        while (true)
        {
            var read = await RandomAccess.ReadAsync(live.Handle, lines.FreeSpace, followPosition, cancellationToken).ConfigureAwait(false);
            if (read == 0) return (false, progressed);
            progressed = true;
            followPosition += read;
            lines.Advance(read);
            if (EmitLines(0).Stop || await ConsumerGoneAsync(cancellationToken).ConfigureAwait(false)) return (true, true);
        }
    }

    /// <summary>Frames the complete lines in the buffer, after skipping <paramref name="skip"/> of them.</summary>
    private Outcome EmitLines(long skip)
    {
        var skipped = 0L;
        while (lines.TryTakeLine(out var line))
        {
            if (skipped < skip)
            {
                skipped++;
                continue;
            }
            if (scratch.Length < line.Length) scratch = new byte[Math.Max(line.Length, scratch.Length * 2)];
            if (!JsonLogLine.TryParse(line, scratch, out var record)) continue;
            if (record.TimeNano < since) continue;
            if (record.TimeNano > until) return new Outcome(true, skipped);
            var log = record.Log;
            var partial = log.IsEmpty || log[^1] != '\n';
            if (!partial) log = log[..^1];
            LogEntryCodec.Encode(pipe.Writer, new LogEntryView(record.Stream, record.TimeNano, log, partial));
        }
        return new Outcome(false, skipped);
    }

    /// <summary>Hands what was framed to the consumer (waiting while it is behind); true once it has gone.</summary>
    private async ValueTask<bool> ConsumerGoneAsync(CancellationToken cancellationToken) =>
        (await pipe.Writer.FlushAsync(cancellationToken).ConfigureAwait(false)).IsCompleted;

    /// <param name="Stop">A line after until was reached: reading is over.</param>
    private readonly record struct Outcome(bool Stop, long Skipped);
}
