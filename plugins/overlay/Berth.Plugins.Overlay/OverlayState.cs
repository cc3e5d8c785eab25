using Berth.Sdk.Storage.Snapshots;

namespace Berth.Plugins.Overlay;

/// <summary>The plugin's layout under one home, the graph driver's mounts and the snapshotter's index.</summary>
internal sealed class OverlayState
{
    private OverlayState(OverlayLayout layout, SnapshotIndex snapshots)
    {
        Layout = layout;
        Mounts = new MountTable(layout);
        Snapshots = snapshots;
    }

    public OverlayLayout Layout { get; }
    public MountTable Mounts { get; }
    public SnapshotIndex Snapshots { get; }

    public static async Task<OverlayState> OpenAsync(string home, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var layout = new OverlayLayout(home);
        layout.RemoveLeftovers();
        var snapshots = await SnapshotIndex.LoadAsync(Path.Combine(home, "snapshots"), cancellationToken).ConfigureAwait(false);
        return new OverlayState(layout, snapshots);
    }
}
