using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Berth.Plugins.Tests.JsonLog;

public class RotationTests : LogFixture
{
    [Test]
    public async Task Rotation_MaxSizeAndMaxFile_KeepsMaxFileFilesOfAboutMaxSize()
    {
        await StartAsync(Info(Options("max-size=1k", "max-file=3")));

        await WriteLinesAsync(0, 200);
        await StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(LogPath + ".1"), Is.True);
            Assert.That(File.Exists(LogPath + ".2"), Is.True);
            Assert.That(File.Exists(LogPath + ".3"), Is.False);
            Assert.That(new FileInfo(LogPath + ".1").Length, Is.InRange(1000, 1100));
            Assert.That(new FileInfo(LogPath + ".2").Length, Is.InRange(1000, 1100));
        });
        var kept = LogTexts(LogPath + ".2").Concat(LogTexts(LogPath + ".1")).Concat(LogTexts()).ToList();
        var first = int.Parse(kept[0][5..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(kept, Is.EqualTo(Enumerable.Range(first, 200 - first).Select(i => $"line {i}\n")));
    }

    [Test]
    public async Task Rotation_MaxFileOne_ReplacesTheLog()
    {
        await StartAsync(Info(Options("max-size=1k")));

        await WriteLinesAsync(0, 100);
        await StopAsync();

        Assert.That(Directory.GetFiles(TempDirectory, "*-json.log*"), Is.EqualTo(new[] { LogPath }));
        Assert.That(LogTexts()[^1], Is.EqualTo("line 99\n"));
        Assert.That(new FileInfo(LogPath).Length, Is.LessThan(1100));
    }

    [Test]
    public async Task Rotation_Compress_GzipsRotatedFilesWithTheirLastTime()
    {
        await StartAsync(Info(Options("max-size=1k", "max-file=4", "compress=true")));

        await WriteLinesAsync(0, 200);
        await StopAsync();

        Assert.That(Directory.GetFiles(TempDirectory, "*-json.log*").Select(Path.GetFileName).Order(), Is.EqualTo(new[]
        {
            ContainerId + "-json.log", ContainerId + "-json.log.1.gz", ContainerId + "-json.log.2.gz", ContainerId + "-json.log.3.gz",
        }));
        var kept = new List<string>();
        foreach (var i in new[] { 3, 2, 1 })
        {
            var lines = Gunzip(LogPath + $".{i}.gz");
            Assert.That(ExtraField(LogPath + $".{i}.gz"), Is.EqualTo($"{{\"lastTime\":\"{Json(lines[^1]).GetProperty("time").GetString()}\"}}"));
            kept.AddRange(lines.Select(l => Json(l).GetProperty("log").GetString()!));
        }
        kept.AddRange(LogTexts());
        Assert.That(kept[^1], Is.EqualTo("line 199\n"));
        Assert.That(kept.Distinct().Count(), Is.EqualTo(kept.Count));
    }

    [Test]
    public async Task Rotation_StartWithAnUncompressedRotatedFile_CompressesIt()
    {
        await File.WriteAllTextAsync(LogPath + ".1", "{\"log\":\"old\\n\",\"stream\":\"stdout\",\"time\":\"2024-05-01T09:00:00Z\"}\n");

        await StartAsync(Info(Options("max-size=1m", "max-file=2", "compress=true")));
        await StopAsync();

        Assert.That(File.Exists(LogPath + ".1"), Is.False);
        Assert.That(Gunzip(LogPath + ".1.gz"), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task ReadLogs_AfterCompressedRotations_ReturnsTheKeptLinesInOrder()
    {
        var info = Info(Options("max-size=1k", "max-file=3", "compress=true"));
        await StartAsync(info);
        await WriteLinesAsync(0, 200);
        await StopAsync();

        var all = await ReadLinesAsync(Read(), info);
        var tail = await ReadLinesAsync(Read(tail: 20), info);

        var first = int.Parse(all[0][5..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(all, Is.EqualTo(Enumerable.Range(first, 200 - first).Select(i => $"line {i}")));
        Assert.That(tail, Is.EqualTo(Enumerable.Range(180, 20).Select(i => $"line {i}")));
    }

    private static string[] Gunzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string ExtraField(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.That(bytes[3] & 4, Is.EqualTo(4), "FEXTRA flag");
        var length = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(10));
        return Encoding.UTF8.GetString(bytes, 12, length);
    }

    private static System.Text.Json.JsonElement Json(string line) => System.Text.Json.JsonDocument.Parse(line).RootElement;
}
