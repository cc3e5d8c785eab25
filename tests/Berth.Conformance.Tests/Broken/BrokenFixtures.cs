using Berth.Conformance.Tests.Support;
using Berth.Plugins.JsonLog;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Logging;
using Berth.Sdk.Testing;

namespace Berth.Conformance.Tests.Broken;

// The kit's fixtures over a healthy driver with one fault. They are generic on purpose: NUnit does not take a generic
// type definition for a fixture, so they run only through KitRun, never on their own.

/// <summary>The log driver kit over json-log with <typeparamref name="TFault"/>.</summary>
internal sealed class BrokenLogDriverFixture<TFault> : LogDriverConformance where TFault : IDriverFault, new()
{
    private readonly List<JsonLogPlugin> healthy = [];
    private readonly TFault fault = new();

    protected override TimeSpan Patience => TimeSpan.FromSeconds(2);

    protected override IReadOnlyDictionary<string, string> InvalidLogOptions => new Dictionary<string, string> { ["max-size"] = "ten" };

    protected override Task<ILogDriver> CreateLogDriverAsync(string root, CancellationToken ct)
    {
        var plugin = new JsonLogPlugin();
        healthy.Add(plugin);
        return Task.FromResult(FaultInjector<ILogDriver>.Wrap(plugin, fault.Inject));
    }

    protected override async Task DisposeLogDriverAsync(ILogDriver d)
    {
        foreach (var plugin in healthy)
            await plugin.DisposeAsync();
        healthy.Clear();
    }
}

/// <summary>The graph driver kit over overlay with <typeparamref name="TFault"/>.</summary>
internal sealed class BrokenGraphDriverFixture<TFault> : GraphDriverConformance where TFault : IDriverFault, new()
{
    private readonly TFault fault = new();
    private IGraphDriver? healthy;

    protected override Task<IGraphDriver> CreateGraphDriverAsync(string root, CancellationToken ct)
    {
        healthy = OverlayPlugins.Create(root);
        return Task.FromResult(FaultInjector<IGraphDriver>.Wrap(healthy, fault.Inject));
    }

    protected override Task DisposeGraphDriverAsync(IGraphDriver d) => base.DisposeGraphDriverAsync(healthy!);
}
