using Berth.Plugins.BridgeNet.Ipam;
using Berth.Sdk.Ipam;
using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests;

/// <summary>bridge-net's default IPAM driver against the IPAM conformance kit.</summary>
[TestFixture]
public sealed class DefaultIpamConformanceTests : IpamDriverConformance
{
    // No host routes: the kit's subnets and the predefined pools are free on any machine.
    protected override Task<IIpamDriver> CreateIpamDriverAsync(string root, CancellationToken ct) =>
        Task.FromResult<IIpamDriver>(new DefaultIpam(root, hostRoutes: () => []));
}
