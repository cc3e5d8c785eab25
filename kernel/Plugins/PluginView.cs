using System.Text.Json.Nodes;
using Berth.Sdk.Hosting.Packages;

namespace Berth.Kernel.Plugins;

/// <summary>An installed plugin as the Engine API shows it (<c>GET /plugins</c>, <c>/plugins/{name}/json</c>), plus Berth's runtime fields.</summary>
public static class PluginView
{
    public static JsonObject ToJson(PluginEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var plugin = entry.Plugin;
        var config = entry.Package?.Config ?? new PluginConfig();
        var state = entry.Supervisor?.State;
        var json = new JsonObject
        {
            ["Id"] = plugin.Id,
            ["Name"] = plugin.Name,
            ["Enabled"] = plugin.Enabled,
            ["Settings"] = new JsonObject
            {
                ["Mounts"] = new JsonArray(),
                ["Env"] = Strings(plugin.Env),
                ["Args"] = new JsonArray(),
                ["Devices"] = new JsonArray(),
            },
            ["PluginReference"] = plugin.PluginReference,
            ["Config"] = ConfigJson(config, plugin.ActiveVersion),
            // Berth additions: which version serves, and how the process is doing.
            ["Version"] = plugin.ActiveVersion,
            ["RestartCount"] = state?.RestartCount ?? 0,
            ["Status"] = new JsonObject
            {
                ["State"] = entry.Error is not null ? "broken" : (state?.Status ?? PluginStatus.Stopped).ToString().ToLowerInvariant(),
                ["Pid"] = state?.Pid ?? 0,
                ["ServingVersion"] = state?.Status == PluginStatus.Running ? state.Version : null,
                ["Implements"] = Strings(state?.Implements ?? entry.Package?.Protocols.Select(p => p.ToString()).ToList() ?? []),
                ["StartedAt"] = state?.StartedAt?.ToString("O"),
                ["Error"] = entry.Error ?? state?.LastError,
            },
        };
        return json;
    }

    private static JsonObject ConfigJson(PluginConfig config, string version)
    {
        var node = System.Text.Json.JsonSerializer.SerializeToNode(config, PluginPackage.JsonOptions)!.AsObject();
        node.Remove("berth");
        node["DockerVersion"] = config.DockerVersion ?? KernelInfo.Version;
        node["Description"] = $"{config.Description} (v{version})";
        node["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray() };
        return node;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
