using System.Threading.Channels;
using Berth.Sdk.Kernel;

namespace Berth.Plugins.Swarmkit.Events;

/// <summary>Hands cluster events to the daemon in commit order, off the store's apply path.</summary>
public sealed class EventForwarder : IAsyncDisposable
{
    private readonly Channel<PluginEvent> queue = Channel.CreateBounded<PluginEvent>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly IKernelHost kernel;
    private readonly TextWriter log;
    private readonly Task pump;

    public EventForwarder(IKernelHost kernel, TextWriter log)
    {
        this.kernel = kernel;
        this.log = log;
        pump = Task.Run(PumpAsync);
    }

    public void Post(PluginEvent e) => queue.Writer.TryWrite(e);

    private async Task PumpAsync()
    {
        await foreach (var e in queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await kernel.PublishEventAsync(e, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await log.WriteLineAsync($"swarm: could not publish a {e.Type} {e.Action} event: {ex.Message}").ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await pump.ConfigureAwait(false);
    }
}
