using System.Buffers;
using Berth.Plugins.JsonLog.Format;
using Berth.Plugins.JsonLog.Options;
using Berth.Sdk.Logging;

namespace Berth.Plugins.JsonLog.Writing;

/// <summary>
/// The json-file log of one container with moby's rotation (loggerutils.LogFile): before an entry is written, a file
/// that has reached max-size moves to <c>.1</c> (older ones shift up to <c>.(max-file - 1)</c>, the oldest is
/// deleted; with max-file 1 it is simply replaced) and, with compress, <c>.1</c> is gzipped in the background while
/// the next rotation waits for it. Lines are buffered and written once per batch.
/// </summary>
internal sealed class RotatingLogFile : IAsyncDisposable
{
    private const int FlushThreshold = 1 << 20;
    private const UnixFileMode Permissions = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    private readonly string path;
    private readonly JsonFileOptions options;
    private readonly LogFileHub hub;
    private readonly ArrayBufferWriter<byte> pending = new(1 << 16);
    private readonly TimestampCache stamps = new();
    private FileStream file;
    private long size;
    private long? lastTimeNano;
    private Task compression = Task.CompletedTask;

    private RotatingLogFile(string path, JsonFileOptions options, LogFileHub hub, FileStream file)
    {
        this.path = path;
        this.options = options;
        this.hub = hub;
        this.file = file;
        size = file.Length;
    }

    /// <summary>Opens the file for appending (never truncating) and resumes an interrupted compression.</summary>
    public static RotatingLogFile Open(string path, JsonFileOptions options, LogFileHub hub)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Path.GetDirectoryName(path) is { Length: > 0 } directory) Directory.CreateDirectory(directory);
        var file = OpenFile(path, FileMode.Append);
        EndPartialLine(file);
        var log = new RotatingLogFile(path, options, hub, file);
        if (options.Compress && options.MaxFiles > 1 && File.Exists(path + ".1")) log.StartCompression();
        return log;
    }

    /// <summary>The file reached max-size: rotate before the next entry.</summary>
    public bool RotationDue => options.MaxSize > 0 && size >= options.MaxSize;

    public bool FlushDue => pending.WrittenCount >= FlushThreshold;

    public void Append(in LogEntryView entry)
    {
        size += JsonLogLine.Write(pending, entry, options.Attributes.Span, stamps);
        lastTimeNano = entry.TimeNano;
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (pending.WrittenCount == 0) return;
        try
        {
            await file.WriteAsync(pending.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            PluginLog.Warning($"writing {path}: {ex.Message}; {pending.WrittenCount} bytes of log lost");
        }
        pending.ResetWrittenCount();
        hub.Pulse();
    }

    public async Task RotateAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await WaitForCompressionAsync().ConfigureAwait(false);
        await file.DisposeAsync().ConfigureAwait(false);
        lock (hub.Gate)
        {
            ShiftRotatedFiles();
            file = OpenFile(path, FileMode.Create);
        }
        size = 0;
        if (options.Compress && options.MaxFiles > 1) StartCompression();
        hub.Pulse();
    }

    public async ValueTask DisposeAsync()
    {
        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        await file.DisposeAsync().ConfigureAwait(false);
        await WaitForCompressionAsync().ConfigureAwait(false);
    }

    private void ShiftRotatedFiles()
    {
        if (options.MaxFiles < 2)
        {
            TryDelete(path);
            return;
        }
        var extension = options.Compress ? LogCompressor.Extension : "";
        TryDelete($"{path}.{options.MaxFiles - 1}{extension}");
        for (var i = options.MaxFiles - 1; i > 1; i--) TryMove($"{path}.{i - 1}{extension}", $"{path}.{i}{extension}");
        TryMove(path, path + ".1");
    }

    private void StartCompression()
    {
        var source = path + ".1";
        var last = lastTimeNano;
        compression = Task.Run(() => LogCompressor.CompressAsync(source, last, CancellationToken.None));
    }

    private async Task WaitForCompressionAsync()
    {
        try
        {
            await compression.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            PluginLog.Warning($"compressing the rotated log of {path}: {ex.Message}");
        }
        compression = Task.CompletedTask;
    }

    private static FileStream OpenFile(string path, FileMode mode) => new(path, new FileStreamOptions
    {
        Mode = mode,
        Access = FileAccess.Write,
        Share = FileShare.ReadWrite | FileShare.Delete,
        BufferSize = 0,
        UnixCreateMode = Permissions,
    });

    /// <summary>A crash can leave half a line at the end: close it so the next line starts on its own.</summary>
    private static void EndPartialLine(FileStream file)
    {
        if (file.Length == 0) return;
        using var reader = File.OpenHandle(file.Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> last = stackalloc byte[1];
        if (RandomAccess.Read(reader, last, file.Length - 1) == 1 && last[0] != '\n') file.Write("\n"u8);
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException ex)
        {
            PluginLog.Warning($"removing {file}: {ex.Message}");
        }
    }

    private static void TryMove(string from, string to)
    {
        try
        {
            File.Move(from, to, overwrite: true);
        }
        catch (FileNotFoundException)
        {
        }
        catch (IOException ex)
        {
            PluginLog.Warning($"renaming {from} to {to}: {ex.Message}");
        }
    }
}
