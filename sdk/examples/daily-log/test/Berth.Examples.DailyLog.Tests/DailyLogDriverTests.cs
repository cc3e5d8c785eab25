using System.Text;
using Berth.Sdk.Logging;
using Berth.Sdk.Testing;

namespace Berth.Examples.DailyLog.Tests;

/// <summary>What is particular to daily-log: a file per day, reading across days, and max-days.</summary>
[TestFixture]
public sealed class DailyLogDriverTests
{
    private static readonly long Day1Late = new DateTimeOffset(2026, 11, 28, 23, 59, 59, TimeSpan.Zero).ToUnixTimeSeconds() * 1_000_000_000 + 999_999_998;
    private static readonly long Day3 = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds() * 1_000_000_000;

    private string root = "";

    [SetUp]
    public void CreateRoot() => root = Directory.CreateTempSubdirectory("daily-log-example-").FullName;

    [TearDown]
    public void RemoveRoot() => Directory.Delete(root, recursive: true);

    [Test]
    public async Task StartLogging_LinesAcrossMidnight_OneFilePerDayReadBackInOrder()
    {
        await using var driver = new DailyLogDriver(ConformanceKernelHost.Context("daily-log", root));
        var info = Container(new Dictionary<string, string>());

        await LogAsync(driver, info, ["a", "b", "c", "d"], Day1Late);

        Assert.That(Directory.EnumerateFiles(Path.Combine(root, info.ContainerId)).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "2026-11-28.log", "2026-11-29.log" }));
        Assert.That(await ReadAsync(driver, info, tail: -1), Is.EqualTo(new[] { "a", "b", "c", "d" }));
        Assert.That(await ReadAsync(driver, info, tail: 3), Is.EqualTo(new[] { "b", "c", "d" }), "tail spans the two files");
    }

    [Test]
    public async Task StartLogging_MaxDays_RemovesFilesOfOlderDays()
    {
        await using var driver = new DailyLogDriver(ConformanceKernelHost.Context("daily-log", root));
        var info = Container(new Dictionary<string, string> { ["max-days"] = "2" });

        await LogAsync(driver, info, ["a", "b", "c"], Day1Late); // a and b on the 28th, c on the 29th
        await LogAsync(driver, info, ["d"], Day3);

        Assert.That(Directory.EnumerateFiles(Path.Combine(root, info.ContainerId)).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "2026-11-29.log", "2026-11-30.log" }), "the 28th is more than two days before the 30th");
        Assert.That(await ReadAsync(driver, info, tail: -1), Is.EqualTo(new[] { "c", "d" }));
    }

    [Test]
    public async Task StoredLine_IsJsonAsJsonFileWritesIt()
    {
        await using var driver = new DailyLogDriver(ConformanceKernelHost.Context("daily-log", root));
        var info = Container(new Dictionary<string, string>());

        await LogAsync(driver, info, ["say \"hi\""], Day3);

        var stored = await File.ReadAllTextAsync(Path.Combine(root, info.ContainerId, "2026-11-30.log"));
        Assert.That(stored, Is.EqualTo("{\"log\":\"say \\u0022hi\\u0022\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-30T08:00:00.000000000Z\"}\n"));
    }

    [Test]
    public async Task StartLogging_AfterACrashMidLine_TornLineSkippedNextEntriesRead()
    {
        var info = Container(new Dictionary<string, string>());
        Directory.CreateDirectory(Path.Combine(root, info.ContainerId));
        await File.WriteAllTextAsync(Path.Combine(root, info.ContainerId, "2026-11-30.log"), "{\"log\":\"cut sh");
        await using var driver = new DailyLogDriver(ConformanceKernelHost.Context("daily-log", root));

        await LogAsync(driver, info, ["after"], Day3);

        Assert.That(await ReadAsync(driver, info, tail: -1), Is.EqualTo(new[] { "after" }));
    }

    [Test]
    public void Decode_PartialEntry_KeepsItPartial()
    {
        var entry = new LogEntry("stderr", Day3 + 5, Encoding.UTF8.GetBytes("no newline yet"), Partial: true);

        var decoded = LogLine.Decode(LogLine.Encode(entry).AsSpan()[..^1]);

        Assert.That((decoded.Source, decoded.TimeNano, Encoding.UTF8.GetString(decoded.Line.Span), decoded.Partial),
            Is.EqualTo(("stderr", Day3 + 5, "no newline yet", true)));
    }

    private async Task LogAsync(DailyLogDriver driver, LogInfo info, string[] lines, long firstTimeNano)
    {
        await using var pipe = ContainerLogPipe.Create(Path.Combine(root, Guid.NewGuid().ToString("N") + ".fifo"));
        await driver.StartLoggingAsync(pipe.Path, info, CancellationToken.None);
        await pipe.WriteLinesAsync(lines, firstTimeNano);
        await driver.StopLoggingAsync(pipe.Path, CancellationToken.None);
    }

    private static async Task<List<string>> ReadAsync(DailyLogDriver driver, LogInfo info, int tail)
    {
        await using var stream = await driver.ReadLogsAsync(info, new ReadConfig(null, null, tail, Follow: false), CancellationToken.None);
        var lines = new List<string>();
        while (await LogEntryCodec.ReadAsync(stream, CancellationToken.None) is { } entry)
            lines.Add(Encoding.UTF8.GetString(entry.Line.Span));
        return lines;
    }

    private static LogInfo Container(IReadOnlyDictionary<string, string> options) => new(
        options, new string('a', 64), "/daily", "/bin/sh", [], "sha256:" + new string('f', 64), "busybox", DateTimeOffset.UnixEpoch,
        [], new Dictionary<string, string>(), "", "berth");
}
