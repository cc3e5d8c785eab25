using Berth.Sdk.Logging;

namespace Berth.Plugins.Tests.JsonLog;

public class FollowTests : LogFixture
{
    [Test]
    public async Task ReadLogs_Follow_SeesTheOldLinesThenTheNewOnes()
    {
        await StartAsync();
        await WriteLinesAsync(0, 2);
        await WaitForLinesAsync(2);

        await using var stream = await Plugin.ReadLogsAsync(Info(), Read(follow: true), CancellationToken.None);
        var reader = new LogEntryReader(stream);
        Assert.That(await NextAsync(reader), Is.EqualTo("line 0"));
        Assert.That(await NextAsync(reader), Is.EqualTo("line 1"));

        await WriteLinesAsync(2, 1);

        Assert.That(await NextAsync(reader), Is.EqualTo("line 2"));
    }

    [Test]
    public async Task ReadLogs_FollowWithTailZero_SeesOnlyNewLines()
    {
        await StartAsync();
        await WriteLinesAsync(0, 5);
        await WaitForLinesAsync(5);

        await using var stream = await Plugin.ReadLogsAsync(Info(), Read(tail: 0, follow: true), CancellationToken.None);
        var reader = new LogEntryReader(stream);
        await WriteLinesAsync(5, 1);

        Assert.That(await NextAsync(reader), Is.EqualTo("line 5"));
    }

    [Test]
    public async Task ReadLogs_FollowBeforeTheLogExists_WaitsForIt()
    {
        await using var stream = await Plugin.ReadLogsAsync(Info(), Read(follow: true), CancellationToken.None);
        var reader = new LogEntryReader(stream);

        await StartAsync();
        await WriteLinesAsync(0, 1);

        Assert.That(await NextAsync(reader), Is.EqualTo("line 0"));
    }

    [TestCase("max-size=1k", "max-file=3")]
    [TestCase("max-size=1k", "max-file=1")]
    [TestCase("max-size=1k", "max-file=2", "compress=true")]
    public async Task ReadLogs_Follow_ReadsEveryLineAcrossRotations(params string[] options)
    {
        var info = Info(Options(options));
        await StartAsync(info);
        await using var stream = await Plugin.ReadLogsAsync(info, Read(follow: true), CancellationToken.None);
        var reader = new LogEntryReader(stream);

        var seen = new List<string>();
        for (var batch = 0; batch < 30; batch++)
        {
            await WriteLinesAsync(batch * 10, 10);
            for (var i = 0; i < 10; i++) seen.Add(await NextAsync(reader));
        }

        Assert.That(seen, Is.EqualTo(Enumerable.Range(0, 300).Select(i => $"line {i}")));
        Assert.That(File.Exists(LogPath + ".1") || File.Exists(LogPath + ".1.gz") || options.Contains("max-file=1"), Is.True);
    }

    [Test]
    public async Task ReadLogs_Follow_EndsWhenLoggingStops()
    {
        await StartAsync();
        var stream = await Plugin.ReadLogsAsync(Info(), Read(follow: true), CancellationToken.None);

        await WriteLinesAsync(0, 2);
        await StopAsync();

        Assert.That((await ReadAllAsync(stream)).Select(Text), Is.EqualTo(new[] { "line 0", "line 1" }));
    }

    [Test]
    public async Task ReadLogs_FollowCancelled_EndsTheStream()
    {
        await StartAsync();
        using var cancel = new CancellationTokenSource();
        var stream = await Plugin.ReadLogsAsync(Info(), Read(follow: true), cancel.Token);

        await cancel.CancelAsync();

        Assert.That(await ReadAllAsync(stream), Is.Empty);
    }

    [Test]
    public async Task ReadLogs_FollowWithUntilInThePast_Ends()
    {
        await StartAsync();
        await WriteLinesAsync(0, 1);
        await WaitForLinesAsync(1);

        var stream = await Plugin.ReadLogsAsync(Info(), Read(follow: true, until: DateTimeOffset.UtcNow.AddSeconds(-1)), CancellationToken.None);

        Assert.That((await ReadAllAsync(stream)).Select(Text), Is.EqualTo(new[] { "line 0" }));
    }

    private static async Task<string> NextAsync(LogEntryReader reader)
    {
        Assert.That(await reader.MoveNextAsync(CancellationToken.None).AsTask().WaitAsync(Wait.Cap), Is.True, "another entry");
        return Text(reader.Current.ToLogEntry());
    }
}
