using System.Runtime.Versioning;
using Berth.Sdk.Ipam;
using Berth.Sdk.Testing;

// The kit's workspace is made with Linux calls: it runs on Linux only.
[assembly: SupportedOSPlatform("linux")]

namespace Berth.Driver.Tests;

/// <summary>
/// Berth's conformance kit for IPAM drivers, run on this driver: pools, overlaps, sub-pools, addresses handed out once,
/// error kinds, idempotent releases, concurrent requests, and state kept across a restart.
/// </summary>
[TestFixture]
public sealed class DriverConformanceTests : IpamDriverConformance
{
    protected override Task<IIpamDriver> CreateIpamDriverAsync(string root, CancellationToken ct) =>
        Task.FromResult<IIpamDriver>(new Driver(ConformanceKernelHost.Context("berth-driver-plugin-name", root)));
}
