using Berth.Conformance.Tests.Support;
using Berth.Sdk.Logging;
using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests;

/// <summary>The SDK's <see cref="Berth.Sdk.Logs.FifoLogDriver"/> base, through a minimal driver built on it, against the kit.</summary>
[TestFixture]
public sealed class FifoLogDriverConformanceTests : LogDriverConformance
{
    protected override Task<ILogDriver> CreateLogDriverAsync(string root, CancellationToken ct) =>
        Task.FromResult<ILogDriver>(new LineFileLogDriver(root));
}
