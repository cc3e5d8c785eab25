using Berth.Conformance.Tests.Support;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests;

/// <summary>The overlay plugin's graph driver (Moby's overlay2 semantics) against the conformance kit.</summary>
[TestFixture]
public sealed class OverlayGraphDriverConformanceTests : GraphDriverConformance
{
    protected override Task<IGraphDriver> CreateGraphDriverAsync(string root, CancellationToken ct) =>
        Task.FromResult<IGraphDriver>(OverlayPlugins.Create(root));
}
