using Berth.Plugins.JsonLog;
using Berth.Sdk.Logging;
using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests;

/// <summary>The json-log plugin (Docker's json-file driver) against the log driver conformance kit.</summary>
[TestFixture]
public sealed class JsonLogConformanceTests : LogDriverConformance
{
    // json-log keeps no state of its own: each container's log lives at the LogPath berthd passes.
    protected override Task<ILogDriver> CreateLogDriverAsync(string root, CancellationToken ct) =>
        Task.FromResult<ILogDriver>(new JsonLogPlugin());

    protected override IReadOnlyDictionary<string, string> InvalidLogOptions => new Dictionary<string, string> { ["max-size"] = "ten" };
}
