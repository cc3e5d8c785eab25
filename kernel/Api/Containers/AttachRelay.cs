using Berth.Kernel.Runtime.Monitor;

namespace Berth.Kernel.Api.Containers;

/// <summary>
/// Copies between a hijacked client connection and conmon's attach socket: output framed (or raw with a TTY),
/// input passed on until the client half-closes or types the detach keys.
/// </summary>
public sealed class AttachRelay(AttachConnection monitor, Stream client, bool tty, bool stdout, bool stderr, byte[]? detachKeys)
{
    /// <summary>Relays until the process ends (conmon closes the socket) or the client detaches or goes away.</summary>
    public async Task RunAsync(bool withInput, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var output = PumpOutputAsync(stop.Token);
        var input = withInput ? PumpInputAsync(stop.Token) : Task.FromResult(false);
        var first = await Task.WhenAny(output, input).ConfigureAwait(false);
        if (first == input && await input.ConfigureAwait(false))
        {
            await stop.CancelAsync().ConfigureAwait(false); // detached: leave the process running
        }
        try
        {
            await output.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await input.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PumpOutputAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[8192 + 1 + 8];
        try
        {
            while (true)
            {
                var packet = await monitor.ReceiveAsync(buffer.AsMemory(8), cancellationToken).ConfigureAwait(false);
                if (packet is not { } got) return;
                var isErr = got.Pipe == AttachConnection.Stderr;
                if (isErr ? !stderr : !stdout) continue;
                if (tty)
                {
                    await client.WriteAsync(buffer.AsMemory(8, got.Length), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    StreamFrames.WriteHeader(buffer, isErr ? StreamFrames.Stderr : StreamFrames.Stdout, got.Length);
                    await client.WriteAsync(buffer.AsMemory(0, 8 + got.Length), cancellationToken).ConfigureAwait(false);
                }
                await client.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
        }
    }

    /// <returns>true when the client typed the detach sequence.</returns>
    private async Task<bool> PumpInputAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var matched = 0;
        try
        {
            while (true)
            {
                var read = await client.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    monitor.CloseInput();
                    return false;
                }
                var data = buffer.AsMemory(0, read);
                if (detachKeys is { Length: > 0 })
                {
                    for (var i = 0; i < read; i++)
                    {
                        matched = buffer[i] == detachKeys[matched] ? matched + 1 : buffer[i] == detachKeys[0] ? 1 : 0;
                        if (matched == detachKeys.Length)
                        {
                            var before = i + 1 - detachKeys.Length;
                            if (before > 0) await monitor.SendAsync(data[..before], cancellationToken).ConfigureAwait(false);
                            return true;
                        }
                    }
                }
                await monitor.SendAsync(data, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            monitor.CloseInput();
            return false;
        }
    }
}
