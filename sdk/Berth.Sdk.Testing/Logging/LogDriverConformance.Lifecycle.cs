using Berth.Sdk.Logging;

namespace Berth.Sdk.Testing;

// StartLogging and StopLogging: every line stored once and in order, the drain at stop, idempotence, options, several
// containers at once, and a driver restarted over its root with the logging replayed.
public abstract partial class LogDriverConformance
{
    [Test]
    public async Task Capabilities_CalledTwice_SameAnswer()
    {
        var first = await Driver.CapabilitiesAsync(Cancellation).ConfigureAwait(false);
        var second = await Driver.CapabilitiesAsync(Cancellation).ConfigureAwait(false);

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public async Task StartLogging_LinesOnStdoutAndStderr_StoredOnceInOrder()
    {
        var (pipe, info) = NewContainer();
        await Driver.StartLoggingAsync(pipe.Path, info, Cancellation).ConfigureAwait(false);

        await pipe.WriteLinesAsync(Lines("out", 0, 100), BaseTimeNano, "stdout", Cancellation).ConfigureAwait(false);
        await pipe.WriteLinesAsync(Lines("err", 100, 20), BaseTimeNano + 100, "stderr", Cancellation).ConfigureAwait(false);

        var stored = await WaitForStoredLinesAsync(info, 120).ConfigureAwait(false);
        Assert.That(stored, Is.EqualTo(Lines("out", 0, 100).Concat(Lines("err", 100, 20))));
    }

    [Test]
    public async Task StopLogging_RightAfterWriting_EveryLineStoredWhenItReturns()
    {
        var (pipe, info) = NewContainer();
        await Driver.StartLoggingAsync(pipe.Path, info, Cancellation).ConfigureAwait(false);
        await pipe.WriteLinesAsync(Lines("line", 0, 1000), BaseTimeNano, cancellationToken: Cancellation).ConfigureAwait(false);

        await Driver.StopLoggingAsync(pipe.Path, Cancellation).ConfigureAwait(false);

        Assert.That(await StoredLinesAsync(info).ConfigureAwait(false), Is.EqualTo(Lines("line", 0, 1000)),
            "StopLogging drains the FIFO before it returns: a container's last lines are not lost");
    }

    [Test]
    public async Task StopLogging_Twice_SecondSucceeds()
    {
        var (pipe, info) = NewContainer();
        await Driver.StartLoggingAsync(pipe.Path, info, Cancellation).ConfigureAwait(false);
        await Driver.StopLoggingAsync(pipe.Path, Cancellation).ConfigureAwait(false);

        Assert.That(() => Driver.StopLoggingAsync(pipe.Path, Cancellation), Throws.Nothing,
            "StopLogging is idempotent: berthd repeats it after a plugin restart");
    }

    [Test]
    public void StopLogging_FileNeverStarted_Succeeds()
    {
        var (pipe, _) = NewContainer();

        Assert.That(() => Driver.StopLoggingAsync(pipe.Path, Cancellation), Throws.Nothing,
            "a restarted driver is told to stop containers it never saw start");
    }

    [Test]
    public async Task StartLogging_SameFileTwice_LinesStoredOnce()
    {
        var (pipe, info) = NewContainer();
        await Driver.StartLoggingAsync(pipe.Path, info, Cancellation).ConfigureAwait(false);

        await Driver.StartLoggingAsync(pipe.Path, info, Cancellation).ConfigureAwait(false);
        await pipe.WriteLinesAsync(Lines("line", 0, 50), BaseTimeNano, cancellationToken: Cancellation).ConfigureAwait(false);
        await Driver.StopLoggingAsync(pipe.Path, Cancellation).ConfigureAwait(false);

        Assert.That(await StoredLinesAsync(info).ConfigureAwait(false), Is.EqualTo(Lines("line", 0, 50)),
            "StartLogging is replayed for running containers: a second one for the same FIFO changes nothing");
    }

    [Test]
    public async Task StartLogging_InvalidOptions_InvalidParameter()
    {
        var invalid = InvalidLogOptions;
        if (invalid is null)
        {
            Assert.Ignore("the fixture names no log options the driver refuses");
            return;
        }
        var (pipe, info) = NewContainer(invalid);

        await ConformanceAssert.ThrowsBerthAsync(() => Driver.StartLoggingAsync(pipe.Path, info, Cancellation), BerthErrorKind.InvalidParameter)
            .ConfigureAwait(false);
    }

    [Test]
    public async Task StartLogging_FourContainersAtOnce_EachStoresOnlyItsOwnLines()
    {
        var started = Enumerable.Range(0, 4).Select(_ => NewContainer()).ToList();
        foreach (var (pipe, info) in started)
            await Driver.StartLoggingAsync(pipe.Path, info, Cancellation).ConfigureAwait(false);

        await Task.WhenAll(started.Select((c, i) => WriteInBatchesAsync(c.Pipe, $"container{i}", 400))).ConfigureAwait(false);
        foreach (var (pipe, _) in started)
            await Driver.StopLoggingAsync(pipe.Path, Cancellation).ConfigureAwait(false);

        for (var i = 0; i < started.Count; i++)
            Assert.That(await StoredLinesAsync(started[i].Info).ConfigureAwait(false), Is.EqualTo(Lines($"container{i}", 0, 400)), $"container {i}");
    }

    [Test]
    public async Task Restart_NewDriverOverTheSameRoot_ReplayedStartKeepsEveryLine()
    {
        var (pipe, info) = NewContainer();
        await Driver.StartLoggingAsync(pipe.Path, info, Cancellation).ConfigureAwait(false);
        await pipe.WriteLinesAsync(Lines("line", 0, 50), BaseTimeNano, cancellationToken: Cancellation).ConfigureAwait(false);
        Assert.That(await WaitForStoredLinesAsync(info, 50).ConfigureAwait(false), Has.Count.EqualTo(50));

        await StopDriverAsync().ConfigureAwait(false);
        await pipe.WriteLinesAsync(Lines("line", 50, 50), BaseTimeNano + 50, cancellationToken: Cancellation).ConfigureAwait(false);
        await NewDriverAsync().ConfigureAwait(false);
        await Driver.StartLoggingAsync(pipe.Path, info, Cancellation).ConfigureAwait(false);
        await Driver.StopLoggingAsync(pipe.Path, Cancellation).ConfigureAwait(false);

        Assert.That(await StoredLinesAsync(info).ConfigureAwait(false), Is.EqualTo(Lines("line", 0, 100)),
            "lines written while the driver was down wait in the FIFO and are stored once it is back; earlier lines stay");
    }

    [Test]
    public async Task Restart_WhileAFrameIsHalfWritten_TheNextDriverResumesAtAFrameBoundary()
    {
        var (pipe, info) = NewContainer();
        await Driver.StartLoggingAsync(pipe.Path, info, Cancellation).ConfigureAwait(false);
        await pipe.WriteLinesAsync(Lines("line", 0, 10), BaseTimeNano, cancellationToken: Cancellation).ConfigureAwait(false);
        Assert.That(await WaitForStoredLinesAsync(info, 10).ConfigureAwait(false), Has.Count.EqualTo(10));
        var split = ContainerLogPipe.Frames(Lines("line", 10, 1), BaseTimeNano + 10);

        await pipe.WriteRawAsync(split.AsMemory(0, split.Length / 2), Cancellation).ConfigureAwait(false);
        await Task.Delay(200, Cancellation).ConfigureAwait(false);
        var stopping = StopDriverAsync();
        await Task.Delay(200, Cancellation).ConfigureAwait(false);
        await pipe.WriteRawAsync(split.AsMemory(split.Length / 2), Cancellation).ConfigureAwait(false);
        await stopping.ConfigureAwait(false);
        await pipe.WriteLinesAsync(Lines("line", 11, 10), BaseTimeNano + 11, cancellationToken: Cancellation).ConfigureAwait(false);
        await NewDriverAsync().ConfigureAwait(false);
        await Driver.StartLoggingAsync(pipe.Path, info, Cancellation).ConfigureAwait(false);
        await Driver.StopLoggingAsync(pipe.Path, Cancellation).ConfigureAwait(false);

        Assert.That(await StoredLinesAsync(info).ConfigureAwait(false), Is.EqualTo(Lines("line", 0, 21)),
            "a driver that stops reads the rest of a frame it began, so the next one starts at a frame: nothing lost, nothing garbled");
    }

    private async Task WriteInBatchesAsync(ContainerLogPipe pipe, string prefix, int count)
    {
        for (var first = 0; first < count; first += 50)
            await pipe.WriteLinesAsync(Lines(prefix, first, 50), BaseTimeNano + first, cancellationToken: Cancellation).ConfigureAwait(false);
    }
}
