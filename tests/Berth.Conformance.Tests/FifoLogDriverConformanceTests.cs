using Berth.Sdk.Logging;
using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests;

/// <summary>
/// The driver the <c>berth-driver</c> template generates (the SDK's <see cref="Berth.Sdk.Logs.FifoLogDriver"/> with
/// a file per container) against the log driver kit.
/// </summary>
[TestFixture]
public sealed class FifoLogDriverConformanceTests : LogDriverConformance
{
    protected override Task<ILogDriver> CreateLogDriverAsync(string root, CancellationToken ct) =>
        Task.FromResult<ILogDriver>(new Berth.Driver.Driver(ConformanceKernelHost.Context("template-driver", root)));
}
