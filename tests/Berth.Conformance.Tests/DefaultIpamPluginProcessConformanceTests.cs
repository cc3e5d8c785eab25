using Berth.Conformance.Tests.Support;
using Berth.Sdk.Ipam;
using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests;

/// <summary>bridge-net's IPAM as it ships (its package in berth-plugin-host, over the wire) against the IPAM kit.</summary>
[TestFixture]
public sealed class DefaultIpamPluginProcessConformanceTests : IpamDriverConformance
{
    private readonly PluginProcesses<IIpamDriver> processes = new();

    protected override Task<IIpamDriver> CreateIpamDriverAsync(string root, CancellationToken ct) => processes.StartAsync("bridge-net", root, ct);

    protected override Task DisposeIpamDriverAsync(IIpamDriver d) => processes.StopAsync(d);
}
