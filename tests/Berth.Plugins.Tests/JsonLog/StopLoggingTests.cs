namespace Berth.Plugins.Tests.JsonLog;

public class StopLoggingTests : LogFixture
{
    [Test]
    [Repeat(5)]
    public async Task StopLogging_FramesStillInTheFifo_WritesThemBeforeReturning()
    {
        await StartAsync();

        await WriteLinesAsync(0, 500);
        await StopAsync();

        Assert.That(LogTexts(), Is.EqualTo(Enumerable.Range(0, 500).Select(i => $"line {i}\n")));
    }

    [Test]
    public async Task StopLogging_KernelStillHoldsTheFifo_ReturnsWithoutWaitingForAnEnd()
    {
        await StartAsync();
        await WriteLinesAsync(0, 3);

        await Wait.Within(StopAsync());

        Assert.That(LogLines(), Has.Length.EqualTo(3));
    }

    [Test]
    public async Task StopLogging_AfterTheKernelClosedTheFifo_StillSucceeds()
    {
        await StartAsync();
        await WriteLinesAsync(0, 3);
        await Writer.DisposeAsync();
        await WaitForLinesAsync(3);

        await Wait.Within(StopAsync());

        Assert.That(LogLines(), Has.Length.EqualTo(3));
    }

    [Test]
    public async Task StopLogging_UnknownFifo_Succeeds()
    {
        await Wait.Within(Plugin.StopLoggingAsync(Path.Combine(TempDirectory, "never-started"), CancellationToken.None));
    }

    [Test]
    public async Task StopLogging_Twice_Succeeds()
    {
        await StartAsync();

        await StopAsync();
        await StopAsync();
    }

    [Test]
    public async Task StartLogging_AfterStop_ResumesTheSameLog()
    {
        await StartAsync();
        await WriteLinesAsync(0, 2);
        await StopAsync();

        await StartAsync();
        await WriteLinesAsync(2, 2);
        await StopAsync();

        Assert.That(LogTexts(), Is.EqualTo(new[] { "line 0\n", "line 1\n", "line 2\n", "line 3\n" }));
    }
}
