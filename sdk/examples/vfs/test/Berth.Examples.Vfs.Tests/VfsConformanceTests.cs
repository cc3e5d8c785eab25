using System.Runtime.Versioning;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Testing;

// The kit makes device nodes, owners and mounts: it runs on Linux, as root for most checks.
[assembly: SupportedOSPlatform("linux")]

namespace Berth.Examples.Vfs.Tests;

/// <summary>Berth's conformance kit for graph drivers, run on the vfs driver.</summary>
[TestFixture]
public sealed class VfsConformanceTests : GraphDriverConformance
{
    protected override Task<IGraphDriver> CreateGraphDriverAsync(string root, CancellationToken ct) =>
        Task.FromResult<IGraphDriver>(new VfsDriver(ConformanceKernelHost.Context("vfs", root)));
}
