using Berth.Conformance.Tests.Support;
using Berth.Sdk.Snapshots;
using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests;

/// <summary>The overlay plugin's snapshotter (containerd's overlayfs semantics) against the conformance kit.</summary>
[TestFixture]
public sealed class OverlaySnapshotterConformanceTests : SnapshotterConformance
{
    protected override Task<ISnapshotter> CreateSnapshotterAsync(string root, CancellationToken ct) =>
        Task.FromResult<ISnapshotter>(OverlayPlugins.Create(root));
}
