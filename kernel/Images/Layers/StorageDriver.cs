using Berth.Kernel.Plugins;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Protocol;
using Berth.Sdk.Snapshots;
using Berth.Sdk.Storage.Snapshots;

namespace Berth.Kernel.Images.Layers;

/// <summary>
/// The snapshotter the image store uses: the storage plugin's own when <c>storage-driver</c> names a snapshotter,
/// else its graph driver behind <see cref="GraphDriverSnapshotter"/> (snapshot index kept in the image folder).
/// Either way a local proxy whose calls go to the plugin process.
/// </summary>
public sealed class StorageDriver
{
    private StorageDriver(ISnapshotter snapshotter) => Snapshotter = snapshotter;

    public ISnapshotter Snapshotter { get; }

    public static async Task<StorageDriver> CreateAsync(PluginManager plugins, DriverSelection selection, string dataRoot, string imageRoot, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(selection);
        if (selection.StorageContract == Protocols.Snapshotter) return new StorageDriver(plugins.Client<ISnapshotter>(selection.StorageId));
        var driverName = plugins.Get(selection.StorageId).DriverName;
        var index = await SnapshotIndex.LoadAsync(Path.Combine(imageRoot, driverName, "snapshots"), cancellationToken).ConfigureAwait(false);
        var init = new GraphDriverInitRequest(Path.Combine(dataRoot, driverName), [], [], []);
        var snapshotter = new GraphDriverSnapshotter(plugins.Client<IGraphDriver>(selection.StorageId), index, init, time);
        // Replayed state: a restarted or upgraded driver process is sent Init again before its next call.
        plugins.PluginServing += id =>
        {
            if (id == selection.StorageId) snapshotter.DriverRestarted();
        };
        return new StorageDriver(snapshotter);
    }
}
