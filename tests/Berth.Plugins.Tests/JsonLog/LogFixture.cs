using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Berth.Plugins.JsonLog;
using Berth.Sdk.Logging;
using Microsoft.Win32.SafeHandles;

namespace Berth.Plugins.Tests.JsonLog;

/// <summary>
/// A container's logging as the kernel sets it up: a temporary directory with a FIFO the test holds open read-write
/// (as berthd does) and writes frames into, the log path and the plugin. Everything is removed in TearDown.
/// </summary>
public abstract class LogFixture
{
    protected const string ContainerId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    protected static readonly long BaseTime = DateTimeOffset.Parse("2024-05-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() * 1_000_000;

    private readonly List<FileStream> writers = [];
    private readonly List<JsonLogPlugin> plugins = [];

    protected string TempDirectory { get; private set; } = "";
    protected string Fifo { get; private set; } = "";
    protected string LogPath { get; private set; } = "";
    protected JsonLogPlugin Plugin { get; private set; } = null!;
    protected FileStream Writer { get; private set; } = null!;

    [SetUp]
    public void CreateFixture()
    {
        TempDirectory = Directory.CreateTempSubdirectory("berth-jsonlog-").FullName;
        Fifo = Path.Combine(TempDirectory, "log.fifo");
        LogPath = Path.Combine(TempDirectory, ContainerId + "-json.log");
        Writer = OpenFifo(Fifo);
        Plugin = NewPlugin();
    }

    [TearDown]
    public async Task RemoveFixture()
    {
        try
        {
            foreach (var plugin in plugins) await plugin.DisposeAsync();
            foreach (var writer in writers) await writer.DisposeAsync();
        }
        finally
        {
            Directory.Delete(TempDirectory, recursive: true);
        }
    }

    protected JsonLogPlugin NewPlugin()
    {
        var plugin = new JsonLogPlugin();
        plugins.Add(plugin);
        return plugin;
    }

    /// <summary>Creates a FIFO and opens it read-write, as the kernel does, so the plugin's open never blocks.</summary>
    protected FileStream OpenFifo(string path)
    {
        if (MkFifo(path, 0x180) != 0) throw new IOException($"mkfifo {path}: errno {Marshal.GetLastPInvokeError()}");
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        var stream = new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
        writers.Add(stream);
        return stream;
    }

    protected LogInfo Info(IReadOnlyDictionary<string, string>? options = null, IReadOnlyDictionary<string, string>? labels = null, IReadOnlyList<string>? env = null) => new(
        options ?? new Dictionary<string, string>(),
        ContainerId,
        "/web-1",
        "/bin/sh",
        ["-c", "echo hi"],
        "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
        "busybox:latest",
        DateTimeOffset.Parse("2024-05-01T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        env ?? [],
        labels ?? new Dictionary<string, string>(),
        LogPath,
        "berth");

    protected static Dictionary<string, string> Options(params string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    protected Task StartAsync(LogInfo? info = null) => Plugin.StartLoggingAsync(Fifo, info ?? Info(), CancellationToken.None);

    protected Task StopAsync() => Plugin.StopLoggingAsync(Fifo, CancellationToken.None);

    protected static LogEntry Entry(string line, long time, string source = "stdout", bool partial = false, PartialLogEntryMetadata? metadata = null) =>
        new(source, time, Encoding.UTF8.GetBytes(line), partial, metadata);

    /// <summary>Writes frames into the FIFO in one write, as the kernel's forwarder does.</summary>
    protected Task WriteAsync(params LogEntry[] entries) => WriteAsync(Writer, entries);

    protected static async Task WriteAsync(FileStream fifo, params LogEntry[] entries)
    {
        var frames = new ArrayBufferWriter<byte>();
        foreach (var entry in entries) LogEntryCodec.Encode(frames, entry);
        await fifo.WriteAsync(frames.WrittenMemory);
    }

    /// <summary>Writes <paramref name="count"/> numbered lines one nanosecond apart from <see cref="BaseTime"/>.</summary>
    protected Task WriteLinesAsync(int first, int count, string prefix = "line ") =>
        WriteAsync(Enumerable.Range(first, count).Select(i => Entry($"{prefix}{i}", BaseTime + i)).ToArray());

    protected string[] LogLines(string? path = null) =>
        File.Exists(path ?? LogPath) ? File.ReadAllLines(path ?? LogPath) : [];

    /// <summary>The <c>log</c> value of every line of the log file.</summary>
    protected string[] LogTexts(string? path = null) =>
        LogLines(path).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("log").GetString() ?? "").ToArray();

    protected Task WaitForLinesAsync(int count, string? path = null) =>
        Wait.Eventually(() => LogLines(path).Length >= count, $"{count} lines in {Path.GetFileName(path ?? LogPath)}");

    /// <summary>Reads a ReadLogs stream to its end.</summary>
    protected static async Task<List<LogEntry>> ReadAllAsync(Stream stream)
    {
        var entries = new List<LogEntry>();
        await using (stream)
        {
            while (await LogEntryCodec.ReadAsync(stream, CancellationToken.None).AsTask().WaitAsync(Wait.Cap) is { } entry) entries.Add(entry);
        }
        return entries;
    }

    protected async Task<List<string>> ReadLinesAsync(ReadConfig config, LogInfo? info = null)
    {
        var stream = await Plugin.ReadLogsAsync(info ?? Info(), config, CancellationToken.None);
        return (await ReadAllAsync(stream)).Select(Text).ToList();
    }

    protected static string Text(LogEntry entry) => Encoding.UTF8.GetString(entry.Line.Span);

    protected static ReadConfig Read(int tail = -1, bool follow = false, DateTimeOffset? since = null, DateTimeOffset? until = null) =>
        new(since, until, tail, follow);

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
