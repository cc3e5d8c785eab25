using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Kernel.Config;
using Berth.Kernel.Containers;
using Berth.Kernel.Networks;
using Berth.Sdk.Cluster;

namespace Berth.Kernel.Cluster.Agent;

/// <summary><see cref="ITaskContainers"/> over the kernel's container service.</summary>
public sealed class KernelTaskContainers(ContainerService containers, DaemonConfigHolder config) : ITaskContainers
{
    public IReadOnlyList<TaskContainer> List() =>
        containers.Store.All
            .Where(c => c.Labels.ContainsKey(SwarmLabels.Task) || c.Labels.ContainsKey(SwarmLabels.TaskId))
            .Select(View)
            .ToList();

    public TaskContainer? FindByTask(string taskId)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return containers.Store.All
            .Where(c => c.Labels.TryGetValue(SwarmLabels.TaskId, out var id) && id == taskId && !c.RemovalInProgress)
            .OrderByDescending(c => c.State.Running)
            .ThenByDescending(c => c.Created)
            .Select(View)
            .FirstOrDefault();
    }

    public TaskContainer? Inspect(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return containers.Store.TryGet(id) is { RemovalInProgress: false } container ? View(container) : null;
    }

    public async Task<string> CreateAsync(string name, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        // A task without networks gets the default network; with --bridge=none there is none and Moby runs the
        // container without a network (NetworkDisabled): here, network mode none.
        if (config.Current.Bridge == "none" && body["HostConfig"] is JsonObject host && host["NetworkMode"] is null)
            host["NetworkMode"] = NetworkNames.None;
        var (container, _) = await containers.CreateAsync(name, body, cancellationToken).ConfigureAwait(false);
        return container.Id;
    }

    public Task StartAsync(string id, CancellationToken cancellationToken) => containers.StartAsync(id, cancellationToken);

    public Task StopAsync(string id, TimeSpan grace, CancellationToken cancellationToken) =>
        containers.StopAsync(id, (int)Math.Ceiling(grace.TotalSeconds), null, cancellationToken);

    public Task RemoveAsync(string id, CancellationToken cancellationToken) =>
        containers.RemoveAsync(id, force: true, removeVolumes: true, cancellationToken);

    public async Task<int> WaitNotRunningAsync(string id)
    {
        var wait = containers.WaitAsync(id, "not-running");
        // An exit recorded between the wait's running check and its registration completes no waiter: look again.
        if (!wait.IsCompleted && containers.Store.TryGet(id) is { State: { Running: false, Restarting: false } } exited) return exited.State.ExitCode;
        var result = await wait.ConfigureAwait(false);
        return result.ExitCode;
    }

    private static TaskContainer View(Container container) => new(
        container.Id,
        container.Name.TrimStart('/'),
        container.Labels.GetValueOrDefault(SwarmLabels.TaskId) ?? "",
        container.State.Running,
        container.HasBeenStartedBefore || container.State.StartedAt is not null,
        container.State.ExitCode,
        container.State.Pid,
        PublishedPorts(container.Ports));

    /// <summary>NetworkSettings.Ports ("80/tcp" → [{HostIp, HostPort}]) as one entry per target port and host port.</summary>
    private static List<TaskPublishedPort> PublishedPorts(JsonObject ports)
    {
        var published = new List<TaskPublishedPort>();
        foreach (var (key, bindings) in ports)
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            if (bindings is not JsonArray array || !int.TryParse(slash < 0 ? key : key[..slash], CultureInfo.InvariantCulture, out var target)) continue;
            var protocol = slash < 0 ? "tcp" : key[(slash + 1)..];
            var hostPorts = array.OfType<JsonObject>()
                .Select(b => int.TryParse(b["HostPort"]?.GetValue<string>(), CultureInfo.InvariantCulture, out var p) ? p : 0)
                .Where(p => p > 0)
                .Distinct();
            published.AddRange(hostPorts.Select(p => new TaskPublishedPort(protocol, target, p)));
        }
        return published;
    }
}
