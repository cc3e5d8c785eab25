using Berth.Sdk;
using Berth.Sdk.Logging;

namespace Berth.Plugins.Tests.JsonLog;

public class StartLoggingTests : LogFixture
{
    [Test]
    public async Task StartLogging_Frames_WritesDockerJsonLinesByteForByte()
    {
        await StartAsync();

        await WriteAsync(
            Entry("hello", BaseTime + 1),
            Entry("oops", BaseTime + 120_000_000, "stderr"),
            Entry("", BaseTime + 1_000_000_000));
        await WaitForLinesAsync(3);

        Assert.That(await File.ReadAllTextAsync(LogPath), Is.EqualTo(
            "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2024-05-01T10:00:00.000000001Z\"}\n" +
            "{\"log\":\"oops\\n\",\"stream\":\"stderr\",\"time\":\"2024-05-01T10:00:00.12Z\"}\n" +
            "{\"log\":\"\\n\",\"stream\":\"stdout\",\"time\":\"2024-05-01T10:00:01Z\"}\n"));
    }

    [Test]
    public async Task StartLogging_PartialEntries_EndTheLineOnlyOnTheLastPiece()
    {
        await StartAsync();

        await WriteAsync(
            Entry("split ", BaseTime, partial: true),
            Entry("a", BaseTime, partial: true, metadata: new PartialLogEntryMetadata(false, "p1", 1)),
            Entry("b", BaseTime, partial: true, metadata: new PartialLogEntryMetadata(true, "p1", 2)));
        await WaitForLinesAsync(3);

        Assert.That(LogLines().Select(l => l[..l.IndexOf(",\"stream\"", StringComparison.Ordinal)]), Is.EqualTo(new[]
        {
            "{\"log\":\"split \"", "{\"log\":\"a\"", "{\"log\":\"b\\n\"",
        }));
    }

    [Test]
    public async Task StartLogging_SpecialCharacters_EscapesAsDocker()
    {
        await StartAsync();

        await WriteAsync(new LogEntry("stdout", BaseTime, (byte[])[.. "<a href=\"x\">&\t\\"u8, 0x01, 0xff, .. "\u2028é"u8], false));
        await WaitForLinesAsync(1);

        Assert.That(LogLines()[0], Does.StartWith(
            "{\"log\":\"\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u0009\\\\\\u0001\\ufffd\\u2028é\\n\","));
    }

    [Test]
    public async Task StartLogging_LabelsEnvAndTag_WritesSortedAttrs()
    {
        var info = Info(
            Options("labels=com.example.app,missing", "env-regex=^RE", "env=PLAIN", "tag={{.Name}}/{{.ID}}/{{.ImageID}}"),
            labels: new Dictionary<string, string> { ["com.example.app"] = "web<1>", ["other"] = "x" },
            env: ["PLAIN=a\tb", "REGION=eu", "IGNORED=1", "NOVALUE"]);
        await StartAsync(info);

        await WriteAsync(Entry("hi", BaseTime));
        await WaitForLinesAsync(1);

        Assert.That(LogLines()[0], Is.EqualTo(
            "{\"log\":\"hi\\n\",\"stream\":\"stdout\",\"attrs\":{\"PLAIN\":\"a\\tb\",\"REGION\":\"eu\",\"com.example.app\":\"web\\u003c1\\u003e\"," +
            "\"tag\":\"web-1/0123456789ab/sha256:fedcb\"},\"time\":\"2024-05-01T10:00:00Z\"}"));
    }

    [Test]
    public async Task StartLogging_ExistingLog_AppendsWithoutTruncating()
    {
        await File.WriteAllTextAsync(LogPath, "{\"log\":\"old\\n\",\"stream\":\"stdout\",\"time\":\"2024-05-01T09:00:00Z\"}\n");
        await StartAsync();

        await WriteAsync(Entry("new", BaseTime));
        await WaitForLinesAsync(2);

        Assert.That(LogLines()[0], Does.Contain("\"old\\n\""));
    }

    [Test]
    public async Task StartLogging_LogEndingInAHalfLine_StartsTheNextLineOnItsOwn()
    {
        await File.WriteAllTextAsync(LogPath, "{\"log\":\"cut");
        await StartAsync();

        await WriteAsync(Entry("new", BaseTime));
        await WaitForLinesAsync(2);

        Assert.That(LogLines()[1], Does.StartWith("{\"log\":\"new\\n\""));
    }

    [Test]
    public async Task StartLogging_AfterAPluginRestart_AppendsToTheSameLog()
    {
        await StartAsync();
        await WriteLinesAsync(0, 2);
        await WaitForLinesAsync(2);
        await Plugin.DisposeAsync();

        var restarted = NewPlugin();
        await restarted.StartLoggingAsync(Fifo, Info(), CancellationToken.None);
        await WriteLinesAsync(2, 2);
        await WaitForLinesAsync(4);

        Assert.That(LogTexts(), Is.EqualTo(new[] { "line 0\n", "line 1\n", "line 2\n", "line 3\n" }));
    }

    [Test]
    public async Task StartLogging_CalledAgainForARunningSession_KeepsOneWriter()
    {
        await StartAsync();
        await StartAsync();

        await WriteLinesAsync(0, 50);
        await WaitForLinesAsync(50);
        await StopAsync();

        Assert.That(LogLines(), Has.Length.EqualTo(50));
    }

    [Test]
    public async Task StartLogging_ManyFramesInOneWrite_KeepsTheirOrder()
    {
        await StartAsync();

        for (var batch = 0; batch < 20; batch++) await WriteLinesAsync(batch * 1000, 1000);
        await WaitForLinesAsync(20_000);

        Assert.That(LogTexts(), Is.EqualTo(Enumerable.Range(0, 20_000).Select(i => $"line {i}\n")));
    }

    [Test]
    public async Task StartLogging_LineOfAMegabyte_IsWrittenWhole()
    {
        await StartAsync();
        var line = new string('x', 1 << 20);

        await WriteAsync(Entry(line, BaseTime), Entry("after", BaseTime + 1));
        await WaitForLinesAsync(2);

        Assert.That(LogLines()[0], Is.EqualTo($"{{\"log\":\"{line}\\n\",\"stream\":\"stdout\",\"time\":\"2024-05-01T10:00:00Z\"}}"));
    }

    [Test]
    public void StartLogging_UnknownOption_ThrowsDockersMessage()
    {
        var ex = Assert.ThrowsAsync<BerthException>(() => StartAsync(Info(Options("max-size=1m", "colour=blue"))));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Is.EqualTo("unknown log opt 'colour' for json-file log driver"));
    }

    [TestCase("max-size=0", "max-size must be a positive number")]
    [TestCase("max-size=ten", "invalid size: 'ten'")]
    [TestCase("max-size=10q", "invalid suffix: 'q'")]
    [TestCase("max-file=0", "max-file cannot be less than 1")]
    [TestCase("max-file=two", "strconv.Atoi: parsing \"two\": invalid syntax")]
    [TestCase("compress=yes", "strconv.ParseBool: parsing \"yes\": invalid syntax")]
    [TestCase("compress=true", "compress cannot be true when max-file is less than 2 or max-size is not set")]
    [TestCase("labels-regex=(", "error parsing regexp")]
    public void StartLogging_InvalidOption_ThrowsInvalid(string option, string message)
    {
        var ex = Assert.ThrowsAsync<BerthException>(() => StartAsync(Info(Options(option))));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Does.StartWith(message));
    }

    [Test]
    public async Task StartLogging_KernelOnlyOptions_AreAccepted()
    {
        await StartAsync(Info(Options("mode=non-blocking", "max-buffer-size=4m", "max-size=-1")));

        await WriteLinesAsync(0, 1);
        await WaitForLinesAsync(1);
    }

    [Test]
    public void StartLogging_MissingFifo_ThrowsNotFound()
    {
        var ex = Assert.ThrowsAsync<BerthException>(() => Plugin.StartLoggingAsync(Path.Combine(TempDirectory, "none.fifo"), Info(), CancellationToken.None));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.NotFound));
    }

    [Test]
    public void StartLogging_RegularFileInsteadOfFifo_ThrowsInvalid()
    {
        var file = Path.Combine(TempDirectory, "plain");
        File.WriteAllText(file, "");

        var ex = Assert.ThrowsAsync<BerthException>(() => Plugin.StartLoggingAsync(file, Info(), CancellationToken.None));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Does.Contain("not a FIFO"));
    }

    [Test]
    public async Task Capabilities_Always_CanReadLogs()
    {
        var capabilities = await Plugin.CapabilitiesAsync(CancellationToken.None);

        Assert.That(capabilities.ReadLogs, Is.True);
    }
}
