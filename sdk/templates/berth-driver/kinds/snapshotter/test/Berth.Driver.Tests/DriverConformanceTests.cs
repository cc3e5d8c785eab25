using System.Runtime.Versioning;
using Berth.Sdk.Snapshots;
using Berth.Sdk.Testing;

// The kit mounts, chowns and makes device nodes: it runs on Linux, as root for most checks.
[assembly: SupportedOSPlatform("linux")]

namespace Berth.Driver.Tests;

/// <summary>
/// Berth's conformance kit for snapshotters, run on this driver: prepare, view, commit and remove with containerd's
/// rules, labels and walks, usage, layer chains mounted as berthd mounts them, applied layers and written diffs.
/// </summary>
[TestFixture]
public sealed class DriverConformanceTests : SnapshotterConformance
{
    protected override Task<ISnapshotter> CreateSnapshotterAsync(string root, CancellationToken ct) =>
        Task.FromResult<ISnapshotter>(new Driver(ConformanceKernelHost.Context("berth-driver-plugin-name", root)));
}
