using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Api.Containers;
using Berth.Kernel.Config;
using Berth.Kernel.Containers;
using Berth.Kernel.Containers.Exec;
using Berth.Kernel.Containers.Logs;
using Berth.Kernel.Events;
using Berth.Sdk;
using Berth.Sdk.Kernel;
using Berth.Sdk.Logging;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Daemon;

/// <summary>What plugins may ask of berthd, served to each of them on its own connection.</summary>
/// <remarks>The container service is resolved on first use: it depends (through the log plugin) on the plugin manager, which depends on this.</remarks>
public sealed class KernelHostService(DaemonConfigHolder config, EventsService events, DaemonIdentity identity, IServiceProvider services) : IKernelHost
{
    // Not "plugin": those events are the supervisor's record of crashes and restarts, which a plugin must not forge.
    private static readonly HashSet<string> PublishableTypes = ["network", "service", "node", "secret", "config", "volume"];

    public Task<DaemonDescription> DescribeAsync(CancellationToken cancellationToken)
    {
        var c = config.Current;
        var labels = c.Labels.Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        return Task.FromResult(new DaemonDescription(identity.Id, identity.Name, KernelInfo.Version, c.DataRoot, c.ExecRoot, labels));
    }

    public Task PublishEventAsync(PluginEvent pluginEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pluginEvent);
        if (!PublishableTypes.Contains(pluginEvent.Type))
            throw BerthException.Invalid($"plugins may not publish \"{pluginEvent.Type}\" events (allowed: {string.Join(", ", PublishableTypes.Order())})");
        events.Publish(pluginEvent.Type, pluginEvent.Action, pluginEvent.ActorId, pluginEvent.Attributes);
        return Task.CompletedTask;
    }

    private ContainerService Containers => services.GetRequiredService<ContainerService>();

    public async Task<string> CreateContainerAsync(string? name, JsonElement config, CancellationToken cancellationToken)
    {
        var body = JsonNode.Parse(config.GetRawText()) as JsonObject ?? throw BerthException.Invalid("the container config must be a JSON object");
        var (container, _) = await Containers.CreateAsync(name, body, cancellationToken).ConfigureAwait(false);
        return container.Id;
    }

    public Task StartContainerAsync(string idOrName, CancellationToken cancellationToken) => Containers.StartAsync(idOrName, cancellationToken);

    public Task StopContainerAsync(string idOrName, int? timeoutSeconds, CancellationToken cancellationToken) =>
        Containers.StopAsync(idOrName, timeoutSeconds, null, cancellationToken);

    public Task RemoveContainerAsync(string idOrName, bool force, CancellationToken cancellationToken) =>
        Containers.RemoveAsync(idOrName, force, removeVolumes: false, cancellationToken);

    public Task<JsonElement> InspectContainerAsync(string idOrName, CancellationToken cancellationToken)
    {
        var container = Containers.Get(idOrName);
        var view = ContainerViews.Inspect(container, config.Current.DataRoot, services.GetRequiredService<ExecService>().IdsOf(container.Id));
        return Task.FromResult(JsonSerializer.SerializeToElement(view));
    }

    public Task<Stream> ReadContainerLogsAsync(string idOrName, ReadConfig config, CancellationToken cancellationToken) =>
        new ContainerLogFeed(Containers, services.GetService<TimeProvider>() ?? TimeProvider.System).OpenAsync(idOrName, config, cancellationToken);
}
