using Berth.Sdk.GraphDriver;
using Berth.Sdk.Snapshots;
using Berth.Sdk.Storage.Snapshots;
using Berth.Sdk.Testing;

namespace Berth.Examples.Vfs.Tests;

/// <summary>
/// berthd drives a graph driver through the SDK's <see cref="GraphDriverSnapshotter"/> (its image store speaks
/// snapshots): the snapshotter conformance kit, run on vfs behind that adapter, checks the driver as berthd uses it.
/// </summary>
[TestFixture]
public sealed class VfsAsKernelDrivesItConformanceTests : SnapshotterConformance
{
    protected override async Task<ISnapshotter> CreateSnapshotterAsync(string root, CancellationToken ct)
    {
        var driver = new VfsDriver(ConformanceKernelHost.Context("vfs", Path.Combine(root, "plugin")));
        var index = await SnapshotIndex.LoadAsync(Path.Combine(root, "image", "vfs", "snapshots"), ct);
        return new GraphDriverSnapshotter(driver, index, new GraphDriverInitRequest(Path.Combine(root, "vfs"), [], [], []), TimeProvider.System);
    }
}
