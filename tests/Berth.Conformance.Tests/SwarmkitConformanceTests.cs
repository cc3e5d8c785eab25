using Berth.Plugins.Swarmkit;
using Berth.Sdk.Cluster;
using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests;

/// <summary>The swarmkit plugin (swarm mode) against the cluster backend conformance kit, one node on loopback.</summary>
[TestFixture]
public sealed class SwarmkitConformanceTests : ClusterBackendConformance
{
    protected override Task<IClusterBackend> CreateClusterBackendAsync(string root, CancellationToken ct) =>
        Task.FromResult<IClusterBackend>(new SwarmkitPlugin(ConformanceKernelHost.Context("swarmkit", root)));
}
