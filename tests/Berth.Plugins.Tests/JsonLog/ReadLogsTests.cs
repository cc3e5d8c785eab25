using System.IO.Compression;
using System.Text;
using Berth.Sdk;

namespace Berth.Plugins.Tests.JsonLog;

public class ReadLogsTests : LogFixture
{
    [Test]
    public async Task ReadLogs_WholeLog_ReturnsOneFramePerLine()
    {
        await File.WriteAllTextAsync(LogPath,
            "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2024-05-01T10:00:00.000000001Z\"}\n" +
            "{\"log\":\"\\u003cerr\\u003e\\t\\n\",\"stream\":\"stderr\",\"attrs\":{\"tag\":\"x\"},\"time\":\"2024-05-01T12:00:00.5+02:00\"}\n");

        var entries = await ReadAllAsync(await Plugin.ReadLogsAsync(Info(), Read(), CancellationToken.None));

        Assert.That(entries, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(entries[0].Source, Is.EqualTo("stdout"));
            Assert.That(Text(entries[0]), Is.EqualTo("hello"));
            Assert.That(entries[0].TimeNano, Is.EqualTo(BaseTime + 1));
            Assert.That(entries[0].Partial, Is.False);
            Assert.That(entries[1].Source, Is.EqualTo("stderr"));
            Assert.That(Text(entries[1]), Is.EqualTo("<err>\t"));
            Assert.That(entries[1].TimeNano, Is.EqualTo(BaseTime + 500_000_000));
        });
    }

    [Test]
    public async Task ReadLogs_WrittenByThePlugin_RoundTrips()
    {
        await StartAsync();
        await WriteAsync(Entry("a \"quoted\" <line> é", BaseTime + 7), Entry("err", BaseTime + 8, "stderr"), Entry("half", BaseTime + 9, partial: true));
        await StopAsync();

        var entries = await ReadAllAsync(await Plugin.ReadLogsAsync(Info(), Read(), CancellationToken.None));

        Assert.That(entries.Select(e => (e.Source, Text(e), e.TimeNano, e.Partial)), Is.EqualTo(new[]
        {
            ("stdout", "a \"quoted\" <line> é", BaseTime + 7, false),
            ("stderr", "err", BaseTime + 8, false),
            ("stdout", "half", BaseTime + 9, true),
        }));
    }

    [Test]
    public async Task ReadLogs_Tail_ReturnsTheLastLines()
    {
        await WriteLogAsync(LogPath, 0, 1000);

        var lines = await ReadLinesAsync(Read(tail: 3));

        Assert.That(lines, Is.EqualTo(new[] { "line 997", "line 998", "line 999" }));
    }

    [Test]
    public async Task ReadLogs_TailOverRotatedAndCompressedFiles_ReadsBackwardsAcrossThem()
    {
        await WriteLogAsync(LogPath + ".3.gz", 0, 100);
        await WriteLogAsync(LogPath + ".2", 100, 100);
        await WriteLogAsync(LogPath + ".1.gz", 200, 100);
        await WriteLogAsync(LogPath, 300, 5);

        var lines = await ReadLinesAsync(Read(tail: 210), Rotated(4));

        Assert.That(lines, Is.EqualTo(Enumerable.Range(95, 210).Select(i => $"line {i}")));
    }

    [Test]
    public async Task ReadLogs_AllOverRotatedFiles_ReturnsOldestFirst()
    {
        await WriteLogAsync(LogPath + ".2.gz", 0, 10);
        await WriteLogAsync(LogPath + ".1", 10, 10);
        await WriteLogAsync(LogPath, 20, 10);

        var lines = await ReadLinesAsync(Read(), Rotated(3));

        Assert.That(lines, Is.EqualTo(Enumerable.Range(0, 30).Select(i => $"line {i}")));
    }

    [Test]
    public async Task ReadLogs_RotatedFilesBeyondMaxFile_AreLeftOut()
    {
        await WriteLogAsync(LogPath + ".3", 0, 1);
        await WriteLogAsync(LogPath + ".1", 1, 1);
        await WriteLogAsync(LogPath, 2, 1);

        var noMaxFile = await ReadLinesAsync(Read());
        var three = await ReadLinesAsync(Read(), Rotated(3));
        var four = await ReadLinesAsync(Read(), Rotated(4));

        Assert.That(noMaxFile, Is.EqualTo(new[] { "line 2" }));
        Assert.That(three, Is.EqualTo(new[] { "line 1", "line 2" }));
        Assert.That(four, Is.EqualTo(new[] { "line 0", "line 1", "line 2" }));
    }

    [Test]
    public async Task ReadLogs_TailLongerThanTheLog_ReturnsEverything()
    {
        await WriteLogAsync(LogPath + ".1", 0, 4);
        await WriteLogAsync(LogPath, 4, 4);

        Assert.That(await ReadLinesAsync(Read(tail: 100), Rotated(2)), Has.Count.EqualTo(8));
    }

    [Test]
    public async Task ReadLogs_TailZero_ReturnsNothing()
    {
        await WriteLogAsync(LogPath, 0, 10);

        Assert.That(await ReadLinesAsync(Read(tail: 0)), Is.Empty);
    }

    [Test]
    public async Task ReadLogs_SinceAndUntil_KeepOnlyTheLinesBetween()
    {
        await WriteLogAsync(LogPath + ".1.gz", 0, 10, secondsApart: true);
        await WriteLogAsync(LogPath, 10, 10, secondsApart: true);
        var start = DateTimeOffset.FromUnixTimeMilliseconds(BaseTime / 1_000_000);

        var lines = await ReadLinesAsync(Read(since: start.AddSeconds(5), until: start.AddSeconds(12)), Rotated(2));

        Assert.That(lines, Is.EqualTo(Enumerable.Range(5, 8).Select(i => $"line {i}")));
    }

    [Test]
    public async Task ReadLogs_SinceWithTail_TakesTheTailFirst()
    {
        await WriteLogAsync(LogPath, 0, 10, secondsApart: true);
        var start = DateTimeOffset.FromUnixTimeMilliseconds(BaseTime / 1_000_000);

        var lines = await ReadLinesAsync(Read(tail: 3, since: start.AddSeconds(8)));

        Assert.That(lines, Is.EqualTo(new[] { "line 8", "line 9" }));
    }

    [Test]
    public async Task ReadLogs_CompressedFileOlderThanSince_IsSkippedUnread()
    {
        await File.WriteAllBytesAsync(LogPath + ".1.gz", [0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 255, 35, 0, .. "{\"lastTime\":\"2024-05-01T09:00:00Z\"}"u8, 1, 2, 3]);
        await WriteLogAsync(LogPath, 0, 2);
        var since = DateTimeOffset.FromUnixTimeMilliseconds(BaseTime / 1_000_000);

        Assert.That(await ReadLinesAsync(Read(since: since), Rotated(2)), Is.EqualTo(new[] { "line 0", "line 1" }));
    }

    [Test]
    public async Task ReadLogs_IncompleteLastLineAndGarbage_AreLeftOut()
    {
        await WriteLogAsync(LogPath, 0, 2);
        await File.AppendAllTextAsync(LogPath, "not json\n{\"log\":\"half");

        Assert.That(await ReadLinesAsync(Read()), Is.EqualTo(new[] { "line 0", "line 1" }));
        Assert.That(await ReadLinesAsync(Read(tail: 1)), Is.EqualTo(Array.Empty<string>()));
    }

    [Test]
    public async Task ReadLogs_NoLogYet_ReturnsAnEmptyStream()
    {
        Assert.That(await ReadLinesAsync(Read()), Is.Empty);
    }

    [Test]
    public void ReadLogs_NoLogPath_ThrowsInvalid()
    {
        var info = Info() with { LogPath = "" };

        var ex = Assert.ThrowsAsync<BerthException>(() => Plugin.ReadLogsAsync(info, Read(), CancellationToken.None));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }

    [Test]
    public async Task ReadLogs_LargeLog_TailReadsOnlyTheEnd()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 200_000; i++) builder.Append("{\"log\":\"line ").Append(i).Append("\\n\",\"stream\":\"stdout\",\"time\":\"2024-05-01T10:00:00Z\"}\n");
        await File.WriteAllTextAsync(LogPath, builder.ToString());

        Assert.That(await ReadLinesAsync(Read(tail: 2)), Is.EqualTo(new[] { "line 199998", "line 199999" }));
    }

    private Berth.Sdk.Logging.LogInfo Rotated(int maxFile) => Info(Options("max-size=1m", $"max-file={maxFile}"));

    /// <summary>Writes a json-file log of numbered lines; a .gz path is compressed.</summary>
    private static async Task WriteLogAsync(string path, int first, int count, bool secondsApart = false)
    {
        var text = new StringBuilder();
        for (var i = first; i < first + count; i++)
        {
            var time = DateTimeOffset.FromUnixTimeMilliseconds(BaseTime / 1_000_000).AddSeconds(secondsApart ? i : 0).AddTicks(secondsApart ? 0 : i);
            text.Append($"{{\"log\":\"line {i}\\n\",\"stream\":\"stdout\",\"time\":\"{time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffff}Z\"}}\n");
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        if (!path.EndsWith(".gz", StringComparison.Ordinal))
        {
            await File.WriteAllBytesAsync(path, bytes);
            return;
        }
        await using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        await gzip.WriteAsync(bytes);
    }
}
