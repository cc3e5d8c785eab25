using System.Text.Json.Nodes;
using Berth.Kernel.Config;
using Berth.Kernel.Daemon;
using Berth.Kernel.Events;
using Berth.Kernel.Plugins;
using Berth.Sdk;
using Berth.Sdk.Cluster;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Protocol;

namespace Berth.Kernel.Api.System;

/// <summary>Builds <c>docker version</c> and <c>docker info</c>; driver names and status come from the plugin processes.</summary>
public sealed class SystemInfo(DaemonConfigHolder config, PluginManager plugins, DriverSelection drivers, DaemonIdentity identity, EventsService events, Berth.Kernel.Images.Store.ImageStore images)
{
    public JsonObject Version()
    {
        var engine = EngineFacts();
        engine["Experimental"] = config.Current.Experimental ? "true" : "false";
        var components = new JsonArray { new JsonObject { ["Name"] = "Engine", ["Version"] = KernelInfo.Version, ["Details"] = engine } };
        foreach (var entry in plugins.List().Where(e => e.Plugin.Enabled))
        {
            components.Add(new JsonObject
            {
                ["Name"] = $"plugin {PluginNames.Repository(entry.Plugin.Name)}",
                ["Version"] = entry.Supervisor?.State is { Status: PluginStatus.Running } s ? s.Version : entry.Plugin.ActiveVersion,
                ["Details"] = new JsonObject { ["Id"] = entry.Plugin.Id[..12], ["Reference"] = entry.Plugin.PluginReference },
            });
        }
        var version = EngineFacts();
        version["Platform"] = new JsonObject { ["Name"] = $"Berth {KernelInfo.Version}" };
        version["Components"] = components;
        version["Version"] = KernelInfo.Version;
        return version;
    }

    /// <summary>The engine's facts, shown both at the top level of /version and in its Engine component.</summary>
    private static JsonObject EngineFacts() => new()
    {
        ["ApiVersion"] = KernelInfo.ApiVersion,
        ["MinAPIVersion"] = KernelInfo.MinApiVersion,
        ["GitCommit"] = KernelInfo.GitCommit,
        ["GoVersion"] = ".NET " + Environment.Version,
        ["Os"] = "linux",
        ["Arch"] = HostFacts.GoArch,
        ["KernelVersion"] = HostFacts.KernelVersion,
        ["BuildTime"] = BuildTime,
    };

    private static string BuildTime => File.GetLastWriteTimeUtc(typeof(SystemInfo).Assembly.Location).ToString("O");

    public async Task<JsonObject> InfoAsync(CancellationToken cancellationToken)
    {
        var c = config.Current;
        var warnings = new JsonArray();
        foreach (var key in c.IgnoredKeys) warnings.Add($"WARNING: daemon.json key \"{key}\" is accepted but not used by Berth yet");

        var storage = Entry(drivers.StorageId);
        // Both plugin calls run at once: a slow plugin costs /info one call deadline, not the sum.
        var swarmTask = SwarmAsync(cancellationToken);
        var statusTask = plugins.Client<IGraphDriver>(drivers.StorageId).StatusAsync(cancellationToken);
        JsonArray driverStatus;
        try
        {
            var status = await statusTask.ConfigureAwait(false);
            driverStatus = new JsonArray(status.Select(pair => (JsonNode?)new JsonArray(pair.Select(v => (JsonNode?)v).ToArray())).ToArray());
        }
        catch (BerthException ex)
        {
            driverStatus = [new JsonArray("Error", ex.Message)];
            warnings.Add($"WARNING: storage driver plugin {storage?.Plugin.Name}: {ex.Message}");
        }

        var swarm = await swarmTask.ConfigureAwait(false);
        foreach (var broken in plugins.List().Where(e => e.Error is not null))
            warnings.Add($"WARNING: plugin {broken.Plugin.Name} is broken: {broken.Error}");

        return new JsonObject
        {
            ["ID"] = identity.Id,
            ["Containers"] = 0,
            ["ContainersRunning"] = 0,
            ["ContainersPaused"] = 0,
            ["ContainersStopped"] = 0,
            ["Images"] = images.All.Count,
            ["Driver"] = storage is null || storage.AnswersTo(c.StorageDriver) ? c.StorageDriver : storage.DriverName,
            ["DriverStatus"] = driverStatus,
            ["Plugins"] = new JsonObject
            {
                ["Volume"] = new JsonArray("local"),
                ["Network"] = DriverNames(Protocols.NetworkDriver.Kind, ["host", "null"]),
                ["Authorization"] = null,
                ["Log"] = DriverNames(Protocols.LogDriver.Kind, []),
            },
            ["MemoryLimit"] = true,
            ["SwapLimit"] = false,
            ["CpuCfsPeriod"] = true,
            ["CpuCfsQuota"] = true,
            ["CPUShares"] = true,
            ["CPUSet"] = true,
            ["PidsLimit"] = true,
            ["IPv4Forwarding"] = true,
            ["Debug"] = c.Debug,
            ["NFd"] = Directory.Exists("/proc/self/fd") ? Directory.GetFiles("/proc/self/fd").Length : 0,
            ["OomKillDisable"] = false,
            ["NGoroutines"] = ThreadCount(),
            ["SystemTime"] = DateTimeOffset.Now.ToString("O"),
            ["LoggingDriver"] = Entry(drivers.LogId)?.DriverName ?? c.LogDriver,
            ["CgroupDriver"] = "cgroupfs",
            ["CgroupVersion"] = HostFacts.CgroupVersion,
            ["NEventsListener"] = events.SubscriberCount,
            ["KernelVersion"] = HostFacts.KernelVersion,
            ["OperatingSystem"] = HostFacts.OperatingSystem,
            ["OSVersion"] = HostFacts.OsVersion,
            ["OSType"] = "linux",
            ["Architecture"] = HostFacts.Architecture,
            ["IndexServerAddress"] = "https://index.docker.io/v1/",
            ["RegistryConfig"] = new JsonObject
            {
                ["IndexConfigs"] = new JsonObject(),
                ["InsecureRegistryCIDRs"] = new JsonArray("127.0.0.0/8"),
                ["Mirrors"] = new JsonArray(),
            },
            ["NCPU"] = Environment.ProcessorCount,
            ["MemTotal"] = HostFacts.MemTotal,
            ["GenericResources"] = null,
            ["DockerRootDir"] = c.DataRoot,
            ["HttpProxy"] = "",
            ["HttpsProxy"] = "",
            ["NoProxy"] = "",
            ["Name"] = identity.Name,
            ["Labels"] = new JsonArray(c.Labels.Select(l => (JsonNode?)l).ToArray()),
            ["ExperimentalBuild"] = c.Experimental,
            ["ServerVersion"] = KernelInfo.Version,
            ["Runtimes"] = Runtimes(c),
            ["DefaultRuntime"] = c.DefaultRuntime,
            ["Swarm"] = swarm,
            ["LiveRestoreEnabled"] = c.LiveRestore,
            ["Isolation"] = "",
            ["InitBinary"] = "",
            ["ContainerdCommit"] = new JsonObject { ["ID"] = "" },
            ["RuncCommit"] = new JsonObject { ["ID"] = "" },
            ["InitCommit"] = new JsonObject { ["ID"] = "" },
            ["SecurityOptions"] = new JsonArray("name=seccomp,profile=builtin", "name=cgroupns"),
            ["Warnings"] = warnings,
        };
    }

    /// <summary>The <c>Swarm</c> header of <c>/_ping</c>.</summary>
    public async Task<string> SwarmHeaderAsync(CancellationToken cancellationToken)
    {
        // The CLI gives /_ping two seconds: the cluster backend gets one, then the node reports "error".
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(1));
        JsonObject swarm;
        try
        {
            swarm = await SwarmAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "error";
        }
        var state = swarm["LocalNodeState"]!.GetValue<string>();
        if (state != "active") return state;
        return swarm["ControlAvailable"]!.GetValue<bool>() ? "active/manager" : "active/worker";
    }

    /// <summary>The cluster backend starts only once a swarm exists; until then the node is simply inactive.</summary>
    private async Task<JsonObject> SwarmAsync(CancellationToken cancellationToken)
    {
        SwarmStatus status = new("inactive", "", "", false, "", []);
        var cluster = Entry(drivers.ClusterId);
        if (cluster?.Supervisor?.State.Status == PluginStatus.Running)
        {
            try
            {
                status = await plugins.Client<IClusterBackend>(drivers.ClusterId).GetStatusAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (BerthException ex)
            {
                status = status with { LocalNodeState = "error", Error = ex.Message };
            }
        }
        var swarm = new JsonObject
        {
            ["NodeID"] = status.NodeId,
            ["NodeAddr"] = status.NodeAddr,
            ["LocalNodeState"] = status.LocalNodeState,
            ["ControlAvailable"] = status.ControlAvailable,
            ["Error"] = status.Error,
            ["RemoteManagers"] = status.RemoteManagers.Count == 0 ? null
                : new JsonArray(status.RemoteManagers.Select(p => (JsonNode?)new JsonObject { ["NodeID"] = p.NodeId, ["Addr"] = p.Addr }).ToArray()),
        };
        // As Moby's info: only a manager knows the node count, the manager count and the cluster object.
        if (status.ControlAvailable)
        {
            swarm["Nodes"] = status.Nodes;
            swarm["Managers"] = status.Managers;
            if (status.Cluster is { ValueKind: global::System.Text.Json.JsonValueKind.Object } clusterInfo) swarm["Cluster"] = JsonNode.Parse(clusterInfo.GetRawText());
        }
        return swarm;
    }

    private static int ThreadCount()
    {
        using var self = global::System.Diagnostics.Process.GetCurrentProcess();
        return self.Threads.Count;
    }

    private PluginEntry? Entry(string id) => plugins.List().FirstOrDefault(e => e.Plugin.Id == id);

    private JsonArray DriverNames(string kind, string[] builtIn) =>
        new(builtIn.Concat(plugins.List().Where(e => e.Plugin.Enabled && e.Implements(kind)).Select(e => e.DriverName))
            .Distinct().Order(StringComparer.Ordinal).Select(n => (JsonNode?)n).ToArray());

    private static JsonObject Runtimes(DaemonConfig c)
    {
        var runtimes = new JsonObject { ["runc"] = new JsonObject { ["path"] = "runc" } };
        foreach (var (name, runtime) in c.Runtimes)
            runtimes[name] = new JsonObject { ["path"] = runtime.Path, ["runtimeArgs"] = new JsonArray(runtime.RuntimeArgs.Select(a => (JsonNode?)a).ToArray()) };
        return runtimes;
    }
}
