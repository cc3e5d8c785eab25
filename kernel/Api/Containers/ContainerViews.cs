using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Containers;
using Berth.Kernel.Networks;

namespace Berth.Kernel.Api.Containers;

/// <summary>Containers as the Engine API shows them: inspect (ContainerJSON) and list (ContainerSummary).</summary>
public static class ContainerViews
{
    private const string Never = "0001-01-01T00:00:00Z";

    public static JsonObject Inspect(Container c, string dataRoot, IReadOnlyList<string> execIds)
    {
        ArgumentNullException.ThrowIfNull(c);
        var folder = Path.Combine(dataRoot, "containers", c.Id);
        return new JsonObject
        {
            ["Id"] = c.Id,
            ["Created"] = Timestamps.Rfc3339(c.Created),
            ["Path"] = c.Path,
            ["Args"] = new JsonArray([.. c.Args.Select(a => (JsonNode?)a)]),
            ["State"] = State(c.State),
            ["Image"] = c.ImageId,
            ["ResolvConfPath"] = Path.Combine(folder, "resolv.conf"),
            ["HostnamePath"] = Path.Combine(folder, "hostname"),
            ["HostsPath"] = Path.Combine(folder, "hosts"),
            ["LogPath"] = c.LogPath,
            ["Name"] = c.Name,
            ["RestartCount"] = c.RestartCount,
            ["Driver"] = c.Driver,
            ["Platform"] = "linux",
            ["MountLabel"] = "",
            ["ProcessLabel"] = "",
            ["AppArmorProfile"] = "",
            ["ExecIDs"] = execIds.Count == 0 ? null : new JsonArray([.. execIds.Select(e => (JsonNode?)e)]),
            ["HostConfig"] = c.HostConfig.DeepClone(),
            ["GraphDriver"] = new JsonObject { ["Data"] = null, ["Name"] = c.Driver },
            ["Mounts"] = Mounts(c),
            ["Config"] = c.Config.DeepClone(),
            ["NetworkSettings"] = NetworkSettings(c),
        };
    }

    public static JsonObject Summary(Container c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new JsonObject
        {
            ["Id"] = c.Id,
            ["Names"] = new JsonArray(c.Name),
            ["Image"] = c.ImageName,
            ["ImageID"] = c.ImageId,
            ["Command"] = string.Join(' ', c.Command),
            ["Created"] = c.Created.ToUnixTimeSeconds(),
            ["Ports"] = PublishedPorts.Summary(c.Ports),
            ["Labels"] = JsonSerializer.SerializeToNode(c.Labels),
            ["State"] = c.State.Status,
            ["Status"] = StatusText(c, DateTimeOffset.UtcNow),
            ["HostConfig"] = new JsonObject { ["NetworkMode"] = c.NetworkMode },
            ["NetworkSettings"] = new JsonObject { ["Networks"] = Networks(c) },
            ["Mounts"] = Mounts(c),
        };
    }

    /// <summary>docker ps's STATUS column: "Up 5 seconds (healthy)", "Exited (3) 2 minutes ago", "Created"…</summary>
    public static string StatusText(Container c, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        var s = c.State;
        if (c.RemovalInProgress) return "Removal In Progress";
        if (s.Dead) return "Dead";
        if (s.Restarting) return $"Restarting ({s.ExitCode}) {HumanDuration.Of(now - (s.FinishedAt ?? now))} ago";
        if (s.Running)
        {
            var text = "Up " + HumanDuration.Of(now - (s.StartedAt ?? now));
            if (s.Paused) text += " (Paused)";
            if (s.Health is { } health) text += health.Status == "starting" ? " (health: starting)" : $" ({health.Status})";
            return text;
        }
        if (s.FinishedAt is { } finished && c.HasBeenStartedBefore) return $"Exited ({s.ExitCode}) {HumanDuration.Of(now - finished)} ago";
        return "Created";
    }

    private static JsonObject State(ContainerState s)
    {
        var state = new JsonObject
        {
            ["Status"] = s.Status,
            ["Running"] = s.Running,
            ["Paused"] = s.Paused,
            ["Restarting"] = s.Restarting,
            ["OOMKilled"] = s.OOMKilled,
            ["Dead"] = s.Dead,
            ["Pid"] = s.Pid,
            ["ExitCode"] = s.ExitCode,
            ["Error"] = s.Error,
            ["StartedAt"] = s.StartedAt is { } started ? Timestamps.Rfc3339(started) : Never,
            ["FinishedAt"] = s.FinishedAt is { } finished ? Timestamps.Rfc3339(finished) : Never,
        };
        if (s.Health is { } health)
        {
            state["Health"] = new JsonObject
            {
                ["Status"] = health.Status,
                ["FailingStreak"] = health.FailingStreak,
                ["Log"] = new JsonArray([.. health.Log.Select(l => (JsonNode?)new JsonObject
                {
                    ["Start"] = Timestamps.Rfc3339(l.Start),
                    ["End"] = Timestamps.Rfc3339(l.End),
                    ["ExitCode"] = l.ExitCode,
                    ["Output"] = l.Output,
                })]),
            };
        }
        return state;
    }

    private static JsonArray Mounts(Container c) => new([.. c.Mounts.Select(m => (JsonNode?)new JsonObject
    {
        ["Type"] = m.Type,
        ["Name"] = m.Name,
        ["Source"] = m.Source,
        ["Destination"] = m.Destination,
        ["Driver"] = m.Driver,
        ["Mode"] = m.Mode,
        ["RW"] = m.RW,
        ["Propagation"] = m.Propagation,
    })]);

    private static JsonObject NetworkSettings(Container c)
    {
        // The legacy top-level fields describe the default bridge network, as in Moby.
        var bridge = c.Networks["bridge"] as JsonObject;
        return new JsonObject
        {
            ["Bridge"] = "",
            ["SandboxID"] = "",
            ["SandboxKey"] = c.State.Running && c.NetworkMode != "host" ? $"/proc/{c.State.Pid}/ns/net" : "",
            ["Ports"] = c.Ports.DeepClone(),
            ["HairpinMode"] = false,
            ["LinkLocalIPv6Address"] = "",
            ["LinkLocalIPv6PrefixLen"] = 0,
            ["SecondaryIPAddresses"] = null,
            ["SecondaryIPv6Addresses"] = null,
            ["EndpointID"] = bridge?["EndpointID"]?.DeepClone() ?? "",
            ["Gateway"] = bridge?["Gateway"]?.DeepClone() ?? "",
            ["GlobalIPv6Address"] = "",
            ["GlobalIPv6PrefixLen"] = 0,
            ["IPAddress"] = bridge?["IPAddress"]?.DeepClone() ?? "",
            ["IPPrefixLen"] = bridge?["IPPrefixLen"]?.DeepClone() ?? 0,
            ["IPv6Gateway"] = "",
            ["MacAddress"] = bridge?["MacAddress"]?.DeepClone() ?? "",
            ["Networks"] = Networks(c),
        };
    }

    private static JsonObject Networks(Container c) => c.Networks.DeepClone().AsObject();
}
