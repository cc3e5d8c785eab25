using Berth.Sdk.Logging;

namespace Berth.Sdk.Testing;

// ReadLogs (drivers whose Capabilities.ReadLogs is true): streams that end, tail, follow, cancellation, release.
public abstract partial class LogDriverConformance
{
    private async Task RequireReadLogsAsync()
    {
        if (!(await Driver.CapabilitiesAsync(Cancellation).ConfigureAwait(false)).ReadLogs)
            Assert.Ignore("the driver does not read logs (Capabilities.ReadLogs is false)");
    }

    private async Task<LogInfo> ContainerWithLinesAsync(int count)
    {
        var (pipe, info) = NewContainer();
        await Driver.StartLoggingAsync(pipe.Path, info, Cancellation).ConfigureAwait(false);
        await pipe.WriteLinesAsync(Lines("line", 0, count), BaseTimeNano, cancellationToken: Cancellation).ConfigureAwait(false);
        await Driver.StopLoggingAsync(pipe.Path, Cancellation).ConfigureAwait(false);
        return info;
    }

    [Test]
    public async Task ReadLogs_WithoutFollow_StreamEndsAfterTheStoredEntries()
    {
        await RequireReadLogsAsync().ConfigureAwait(false);
        var info = await ContainerWithLinesAsync(20).ConfigureAwait(false);

        var stream = await Driver.ReadLogsAsync(info, new ReadConfig(null, null, -1, false), Cancellation).ConfigureAwait(false);
        var entries = await ReadToEndAsync(stream).ConfigureAwait(false);

        Assert.That(entries.Select(Text), Is.EqualTo(Lines("line", 0, 20)));
        Assert.That(entries.Select(e => e.TimeNano), Is.EqualTo(Enumerable.Range(0, 20).Select(i => BaseTimeNano + i)), "each entry keeps its timestamp");
        Assert.That(entries.Select(e => e.Source), Is.All.EqualTo("stdout"));
    }

    [Test]
    public async Task ReadLogs_Tail_ReturnsTheLastLines()
    {
        await RequireReadLogsAsync().ConfigureAwait(false);
        var info = await ContainerWithLinesAsync(30).ConfigureAwait(false);

        var stream = await Driver.ReadLogsAsync(info, new ReadConfig(null, null, 5, false), Cancellation).ConfigureAwait(false);

        Assert.That((await ReadToEndAsync(stream).ConfigureAwait(false)).Select(Text), Is.EqualTo(Lines("line", 25, 5)));
    }

    [Test]
    public async Task ReadLogs_UnknownContainer_EmptyOrNotFound()
    {
        await RequireReadLogsAsync().ConfigureAwait(false);
        var (_, info) = NewContainer();

        try
        {
            var stream = await Driver.ReadLogsAsync(info, new ReadConfig(null, null, -1, false), Cancellation).ConfigureAwait(false);
            Assert.That(await ReadToEndAsync(stream).ConfigureAwait(false), Is.Empty);
        }
        catch (BerthException e)
        {
            Assert.That(e.Kind, Is.EqualTo(BerthErrorKind.NotFound), $"a container that never logged reads empty or NotFound: {e.Message}");
        }
    }

    [Test]
    public async Task ReadLogs_Follow_DeliversLaterLinesThenEndsWhenCancelled()
    {
        await RequireReadLogsAsync().ConfigureAwait(false);
        var (pipe, info) = NewContainer();
        await Driver.StartLoggingAsync(pipe.Path, info, Cancellation).ConfigureAwait(false);
        await pipe.WriteLinesAsync(Lines("early", 0, 3), BaseTimeNano, cancellationToken: Cancellation).ConfigureAwait(false);
        using var follow = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

        var stream = await OpenFollowingAsync(info, follow.Token).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var seen = await ReadEntriesAsync(stream, 3).ConfigureAwait(false);
            await pipe.WriteLinesAsync(Lines("late", 3, 2), BaseTimeNano + 3, cancellationToken: Cancellation).ConfigureAwait(false);
            seen.AddRange(await ReadEntriesAsync(stream, 2).ConfigureAwait(false));
            Assert.That(seen.Select(Text), Is.EqualTo(Lines("early", 0, 3).Concat(Lines("late", 3, 2))));

            await follow.CancelAsync().ConfigureAwait(false);
            Assert.That(await EndsWithinPatienceAsync(stream).ConfigureAwait(false), Is.True,
                $"a following stream ends once its call is cancelled (still open after {Patience.TotalSeconds:0} s: cancellation ignored)");
        }
    }

    [Test]
    public async Task ReadLogs_FollowStreamDisposed_DriverLetsGoOfIt()
    {
        await RequireReadLogsAsync().ConfigureAwait(false);
        var (pipe, info) = NewContainer();
        await Driver.StartLoggingAsync(pipe.Path, info, Cancellation).ConfigureAwait(false);
        var stream = await OpenFollowingAsync(info, Cancellation).ConfigureAwait(false);
        var pending = stream.ReadAsync(new byte[4096], Cancellation).AsTask();
        await Task.Delay(100, Cancellation).ConfigureAwait(false);

        Assert.That(async () => await stream.DisposeAsync().ConfigureAwait(false), Throws.Nothing,
            "the reader may go away while a read waits for the next entry");
        Assert.That(await Task.WhenAny(pending, Task.Delay(Patience, Cancellation)).ConfigureAwait(false), Is.SameAs(pending),
            "the read that was waiting ends (with 0 bytes or an error) once its stream is disposed");
        await pipe.WriteLinesAsync(Lines("after", 0, 5), BaseTimeNano, cancellationToken: Cancellation).ConfigureAwait(false);
        var stop = StopDriverAsync();

        Assert.That(await Task.WhenAny(stop, Task.Delay(Patience, Cancellation)).ConfigureAwait(false), Is.SameAs(stop),
            $"the driver stops within {Patience.TotalSeconds:0} s once the reader of a following stream went away");
        await stop.ConfigureAwait(false);
    }

    /// <summary>ReadLogs with follow answers at once with its stream, before the container wrote anything.</summary>
    private async Task<Stream> OpenFollowingAsync(LogInfo info, CancellationToken cancellationToken)
    {
        var call = Driver.ReadLogsAsync(info, new ReadConfig(null, null, -1, true), cancellationToken);
        if (await Task.WhenAny(call, Task.Delay(Patience, Cancellation)).ConfigureAwait(false) != call)
            Assert.Fail($"ReadLogs with follow did not return its stream within {Patience.TotalSeconds:0} s: it must not wait for the first entry");
        return await call.ConfigureAwait(false);
    }

    private async Task<List<LogEntry>> ReadEntriesAsync(Stream stream, int count)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        patience.CancelAfter(Patience);
        var entries = new List<LogEntry>();
        try
        {
            while (entries.Count < count && await LogEntryCodec.ReadAsync(stream, patience.Token).AsTask().WaitAsync(patience.Token).ConfigureAwait(false) is { } entry)
                entries.Add(entry);
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            Assert.Fail($"a following stream delivered {entries.Count} of {count} entries within {Patience.TotalSeconds:0} s");
        }
        return entries;
    }

    private async Task<bool> EndsWithinPatienceAsync(Stream stream)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        patience.CancelAfter(Patience);
        try
        {
            while (await LogEntryCodec.ReadAsync(stream, patience.Token).AsTask().WaitAsync(patience.Token).ConfigureAwait(false) is not null)
            {
            }
            return true;
        }
        catch (OperationCanceledException) when (!patience.IsCancellationRequested || Cancellation.IsCancellationRequested)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
