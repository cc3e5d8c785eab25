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
    private string? openedHome;

    private Task<OverlayState> StateAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (state is null || state.IsFaulted || state.IsCanceled) state = OpenDefaultAsync(cancellationToken);
            return state;
        }
    }

    /// <summary>
    /// Init's home. The same home again (berthd sends Init to every new process of the plugin, and a repeat may meet one
    /// that already serves) keeps the open state and its mount counts.
    /// </summary>
    private void UseHome(string home)
    {
        lock (gate)
        {
            if (home == openedHome && state is { IsFaulted: false, IsCanceled: false }) return;
            state = OverlayState.OpenAsync(home, CancellationToken.None);
            openedHome = home;
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
