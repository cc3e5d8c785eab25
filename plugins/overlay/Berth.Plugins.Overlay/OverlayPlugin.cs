using Berth.Sdk;

[assembly: BerthPlugin(typeof(Berth.Plugins.Overlay.OverlayPlugin))]

namespace Berth.Plugins.Overlay;

/// <summary>
/// The overlay storage plugin: Docker's overlay2 graph driver and containerd's overlayfs snapshotter over one
/// layout under <c>&lt;data-root&gt;/overlay2</c> (the graph driver's Init may name another home).
/// </summary>
public sealed partial class OverlayPlugin(PluginContext context)
{
    private readonly Lock gate = new();
    private Task<OverlayState>? state;

    private Task<OverlayState> StateAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (state is null || state.IsFaulted || state.IsCanceled) state = OpenDefaultAsync(cancellationToken);
            return state;
        }
    }

    private void UseHome(string home)
    {
        lock (gate)
        {
            state = OverlayState.OpenAsync(home, CancellationToken.None);
        }
    }

    /// <summary>Docker keeps overlay2 layers in <c>&lt;data-root&gt;/overlay2</c>; without a daemon to ask, the plugin's own root.</summary>
    private async Task<OverlayState> OpenDefaultAsync(CancellationToken cancellationToken)
    {
        string home;
        try
        {
            var daemon = await context.Kernel.DescribeAsync(cancellationToken).ConfigureAwait(false);
            home = Path.Combine(daemon.DataRoot, "overlay2");
        }
        catch (Exception ex) when (ex is BerthException or InvalidOperationException or NotSupportedException or NotImplementedException)
        {
            home = Path.Combine(context.Root, "overlay2");
            await context.Log.WriteLineAsync($"overlay: the daemon's data root is unknown ({ex.Message}); keeping layers in {home}").ConfigureAwait(false);
        }
        return await OverlayState.OpenAsync(home, cancellationToken).ConfigureAwait(false);
    }
}
