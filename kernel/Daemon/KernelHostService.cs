using System.Text.Json;
using Berth.Kernel.Config;
using Berth.Kernel.Events;
using Berth.Sdk;
using Berth.Sdk.Kernel;

namespace Berth.Kernel.Daemon;

/// <summary>What plugins may ask of berthd, served to each of them on its own connection.</summary>
public sealed class KernelHostService(DaemonConfigHolder config, EventsService events, DaemonIdentity identity) : IKernelHost
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

    public Task<string> CreateContainerAsync(string? name, JsonElement config, CancellationToken cancellationToken) => throw NoContainers();
    public Task StartContainerAsync(string idOrName, CancellationToken cancellationToken) => throw NoContainers();
    public Task StopContainerAsync(string idOrName, int? timeoutSeconds, CancellationToken cancellationToken) => throw NoContainers();
    public Task RemoveContainerAsync(string idOrName, bool force, CancellationToken cancellationToken) => throw NoContainers();
    public Task<JsonElement> InspectContainerAsync(string idOrName, CancellationToken cancellationToken) => throw NoContainers();

    private static BerthException NoContainers() =>
        BerthException.NotImplemented("containers are not supported by this version of Berth yet");
}
