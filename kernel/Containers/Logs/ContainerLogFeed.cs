using System.IO.Pipelines;
using Berth.Sdk;
using Berth.Sdk.Logging;

namespace Berth.Kernel.Containers.Logs;

/// <summary>
/// A container's log read back as <c>docker logs</c> reads it, for a reader that may be on the other side of a pipe
/// (the swarm log route, a plugin's agent): whole log-plugin frames; when following, the stream ends a moment after
/// the container stops (once its driver had time to hand over the last lines) and, while idle, carries an empty
/// keepalive entry every few seconds, so that a reader that went away is noticed and the read let go.
/// </summary>
public sealed class ContainerLogFeed(ContainerService containers, TimeProvider time)
{
    /// <summary>After a followed container stops, how long its log driver gets to hand over the last lines.</summary>
    public static readonly TimeSpan FollowGrace = TimeSpan.FromMilliseconds(600);

    public static readonly TimeSpan KeepaliveInterval = TimeSpan.FromSeconds(5);

    /// <exception cref="BerthException">NotFound: no such container; InvalidParameter: its log driver cannot read back.</exception>
    public Task<Stream> OpenAsync(string idOrName, ReadConfig read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        return OpenAsync(containers.Get(idOrName), read, cancellationToken);
    }

    public async Task<Stream> OpenAsync(Container container, ReadConfig read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(read);
        var follow = read.Follow && (container.State.Running || container.State.Restarting);
        var exited = follow ? containers.WaitAsync(container.Id, "next-exit") : null;
        var source = await containers.Logs.ReadAsync(container, read with { Follow = follow }, cancellationToken).ConfigureAwait(false);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
        _ = Task.Run(() => PumpAsync(source, pipe.Writer, follow, exited), CancellationToken.None);
        return pipe.Reader.AsStream();
    }

    private async Task PumpAsync(Stream source, PipeWriter output, bool follow, Task? exited)
    {
        using var stop = new CancellationTokenSource();
        if (exited is not null) _ = StopAfterExitAsync(exited, stop);
        try
        {
            var reader = new LogEntryReader(source);
            var next = reader.MoveNextAsync(stop.Token).AsTask();
            while (true)
            {
                if (follow)
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                    var tick = Task.Delay(KeepaliveInterval, time, idle.Token);
                    if (await Task.WhenAny(next, tick).ConfigureAwait(false) != next)
                    {
                        if (stop.IsCancellationRequested || !await WriteKeepaliveAsync(output).ConfigureAwait(false)) break;
                        continue;
                    }
                    await idle.CancelAsync().ConfigureAwait(false);
                }
                if (!await next.ConfigureAwait(false)) break;
                LogEntryCodec.Encode(output, reader.Current);
                if ((await output.FlushAsync(CancellationToken.None).ConfigureAwait(false)).IsCompleted) break;
                next = reader.MoveNextAsync(stop.Token).AsTask();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ObjectDisposedException)
        {
            Serilog.Log.Warning("reading a container log for a remote reader: {Message}", ex.Message);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await source.DisposeAsync().ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static async Task<bool> WriteKeepaliveAsync(PipeWriter output)
    {
        LogEntryCodec.Encode(output, new LogEntryView(default, 0, default, partial: false));
        return !(await output.FlushAsync(CancellationToken.None).ConfigureAwait(false)).IsCompleted;
    }

    private async Task StopAfterExitAsync(Task exited, CancellationTokenSource stop)
    {
        try
        {
            await exited.WaitAsync(stop.Token).ConfigureAwait(false);
            await Task.Delay(FollowGrace, time, stop.Token).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or BerthException)
        {
        }
    }
}
