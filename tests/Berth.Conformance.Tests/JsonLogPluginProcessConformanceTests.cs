using Berth.Conformance.Tests.Support;
using Berth.Sdk.Logging;
using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests;

/// <summary>
/// The json-log plugin as it ships — its published package in berth-plugin-host, over the wire — against the log
/// driver kit: what <see cref="PluginProcess"/> lets any author do with a packaged plugin.
/// </summary>
[TestFixture]
public sealed class JsonLogPluginProcessConformanceTests : LogDriverConformance
{
    private readonly PluginProcesses<ILogDriver> processes = new();

    protected override IReadOnlyDictionary<string, string> InvalidLogOptions => new Dictionary<string, string> { ["max-size"] = "ten" };

    protected override Task<ILogDriver> CreateLogDriverAsync(string root, CancellationToken ct) => processes.StartAsync("json-log", root, ct);

    protected override Task DisposeLogDriverAsync(ILogDriver d) => processes.StopAsync(d);
}
