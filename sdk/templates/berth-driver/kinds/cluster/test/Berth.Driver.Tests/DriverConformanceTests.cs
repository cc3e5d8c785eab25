using System.Runtime.Versioning;
using Berth.Sdk.Cluster;
using Berth.Sdk.Testing;

// The kit's workspace is made with Linux calls: it runs on Linux only.
[assembly: SupportedOSPlatform("linux")]

namespace Berth.Driver.Tests;

/// <summary>
/// Berth's conformance kit for cluster backends, run on this backend: the answers outside a swarm, init, objects with
/// their versions and Docker's error classes, membership that outlives the process, and leaving.
/// </summary>
[TestFixture]
public sealed class DriverConformanceTests : ClusterBackendConformance
{
    protected override Task<IClusterBackend> CreateClusterBackendAsync(string root, CancellationToken ct) =>
        Task.FromResult<IClusterBackend>(new Driver(ConformanceKernelHost.Context("berth-driver-plugin-name", root)));
}
