using System.Runtime.Versioning;
using Berth.Sdk.Network;
using Berth.Sdk.Testing;

// The kit makes network namespaces and the driver real interfaces: it runs on Linux, as root.
[assembly: SupportedOSPlatform("linux")]

namespace Berth.Driver.Tests;

/// <summary>
/// Berth's conformance kit for network drivers, run on this driver: networks created again at every plugin start,
/// endpoints joined and moved into a sandbox, error kinds, tear-down that leaves nothing on the host, a restart.
/// </summary>
[TestFixture]
public sealed class DriverConformanceTests : NetworkDriverConformance
{
    protected override Task<INetworkDriver> CreateNetworkDriverAsync(string root, CancellationToken ct) =>
        Task.FromResult<INetworkDriver>(new Driver(ConformanceKernelHost.Context("berth-driver-plugin-name", root)));

    // A bridge name of the kit's own per network.
    protected override IReadOnlyDictionary<string, string> NetworkOptions(int n) =>
        new Dictionary<string, string> { ["bridge"] = $"bkt{n}" };
}
