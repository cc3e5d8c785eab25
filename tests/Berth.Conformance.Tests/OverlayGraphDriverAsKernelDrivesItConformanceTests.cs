using Berth.Conformance.Tests.Support;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Snapshots;
using Berth.Sdk.Storage.Snapshots;
using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests;

/// <summary>
/// The default storage path of berthd: the overlay plugin's graph driver behind the SDK's
/// <see cref="GraphDriverSnapshotter"/> (the image store speaks snapshots), against the snapshotter kit.
/// </summary>
[TestFixture]
public sealed class OverlayGraphDriverAsKernelDrivesItConformanceTests : SnapshotterConformance
{
    protected override async Task<ISnapshotter> CreateSnapshotterAsync(string root, CancellationToken ct)
    {
        var index = await SnapshotIndex.LoadAsync(Path.Combine(root, "image", "overlay2", "snapshots"), ct);
        return new GraphDriverSnapshotter(OverlayPlugins.Create(Path.Combine(root, "plugin")), index,
            new GraphDriverInitRequest(Path.Combine(root, "overlay2"), [], [], []), TimeProvider.System);
    }
}
