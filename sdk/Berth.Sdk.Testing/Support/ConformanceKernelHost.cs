using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Kernel;

namespace Berth.Sdk.Testing;

/// <summary>
/// The kernel a driver sees under the conformance kit: it describes itself and refuses the rest (storage and log
/// drivers have no reason to call back).
/// </summary>
public sealed class ConformanceKernelHost(string dataRoot) : IKernelHost
{
    /// <summary>What the plugin host would pass your plugin's constructor, for a driver over <paramref name="root"/>.</summary>
    public static PluginContext Context(string name, string root, IReadOnlyDictionary<string, string>? settings = null) =>
        new(name, root, settings ?? new Dictionary<string, string>(), new ConformanceKernelHost(root), TestContext.Out);

    public Task<DaemonDescription> DescribeAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new DaemonDescription("conformance", "conformance", "0.0.0", dataRoot, dataRoot, new Dictionary<string, string>()));

    public Task PublishEventAsync(PluginEvent pluginEvent, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<string> CreateContainerAsync(string? name, JsonElement config, CancellationToken cancellationToken) => throw NotHere();

    public Task StartContainerAsync(string idOrName, CancellationToken cancellationToken) => throw NotHere();

    public Task StopContainerAsync(string idOrName, int? timeoutSeconds, CancellationToken cancellationToken) => throw NotHere();

    public Task RemoveContainerAsync(string idOrName, bool force, CancellationToken cancellationToken) => throw NotHere();

    public Task<JsonElement> InspectContainerAsync(string idOrName, CancellationToken cancellationToken) => throw NotHere();

    public Task<Stream> ReadContainerLogsAsync(string idOrName, Berth.Sdk.Logging.ReadConfig config, CancellationToken cancellationToken) => throw NotHere();

    private static BerthException NotHere() => BerthException.NotImplemented("the conformance kernel runs no containers");
}
