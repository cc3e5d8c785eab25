using System.Runtime.Versioning;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Testing;

// The kit makes device nodes, owners and mounts: it runs on Linux, as root for most checks.
[assembly: SupportedOSPlatform("linux")]

namespace Berth.Driver.Tests;

/// <summary>
/// Berth's conformance kit for graph drivers, run on this driver: layers and parents, idempotent removes, error kinds,
/// diffs that reproduce a tree, layer tars that try to escape the layer.
/// </summary>
[TestFixture]
public sealed class DriverConformanceTests : GraphDriverConformance
{
    protected override Task<IGraphDriver> CreateGraphDriverAsync(string root, CancellationToken ct) =>
        Task.FromResult<IGraphDriver>(new Driver(ConformanceKernelHost.Context("berth-driver-plugin-name", root)));
}
