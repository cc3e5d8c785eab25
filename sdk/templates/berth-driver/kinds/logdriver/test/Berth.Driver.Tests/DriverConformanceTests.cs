using System.Runtime.Versioning;
using Berth.Sdk.Logging;
using Berth.Sdk.Testing;

// The kit makes FIFOs and mounts: it runs on Linux only.
[assembly: SupportedOSPlatform("linux")]

namespace Berth.Driver.Tests;

/// <summary>
/// Berth's conformance kit for log drivers, run on this driver: storing and draining, idempotent start and stop, refused
/// options, several containers at once, a restart, and ReadLogs (tail, follow, cancellation).
/// </summary>
[TestFixture]
public sealed class DriverConformanceTests : LogDriverConformance
{
    protected override Task<ILogDriver> CreateLogDriverAsync(string root, CancellationToken ct) =>
        Task.FromResult<ILogDriver>(new Driver(ConformanceKernelHost.Context("berth-driver-plugin-name", root)));
}
