using System.Text.Json.Nodes;
using Berth.Kernel.Config;

namespace Berth.Kernel.Containers;

/// <summary>The HostConfig defaults Moby fills in at create, so inspect shows the same values.</summary>
public static class HostConfigDefaults
{
    public const long DefaultShmSize = 64L * 1024 * 1024;

    public static void Apply(JsonObject host, DaemonConfig config)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(config);
        var network = host["NetworkMode"]?.GetValue<string>();
        if (string.IsNullOrEmpty(network) || network == "default") host["NetworkMode"] = "bridge";
        if (host["RestartPolicy"] is not JsonObject restart || string.IsNullOrEmpty(restart["Name"]?.GetValue<string>()))
            host["RestartPolicy"] = new JsonObject { ["Name"] = "no", ["MaximumRetryCount"] = 0 };
        if (host["LogConfig"] is not JsonObject log || string.IsNullOrEmpty(log["Type"]?.GetValue<string>()))
        {
            var opts = new JsonObject();
            foreach (var (key, value) in config.LogOpts) opts[key] = value;
            host["LogConfig"] = new JsonObject { ["Type"] = config.LogDriver, ["Config"] = opts };
        }
        else if (log["Config"] is null)
        {
            log["Config"] = new JsonObject();
        }
        if ((host["ShmSize"]?.GetValue<long>() ?? 0) == 0) host["ShmSize"] = DefaultShmSize;
        if (string.IsNullOrEmpty(host["Runtime"]?.GetValue<string>())) host["Runtime"] = config.DefaultRuntime;
        if (string.IsNullOrEmpty(host["IpcMode"]?.GetValue<string>())) host["IpcMode"] = "private";
        if (string.IsNullOrEmpty(host["CgroupnsMode"]?.GetValue<string>()))
            host["CgroupnsMode"] = Runtime.Spec.HostSupport.Current.CgroupMode == Runtime.Spec.CgroupMode.Unified ? "private" : "host";
    }

    public static string RestartPolicyName(JsonObject host) => (host["RestartPolicy"] as JsonObject)?["Name"]?.GetValue<string>() ?? "no";

    public static int RestartMaxRetries(JsonObject host) => (host["RestartPolicy"] as JsonObject)?["MaximumRetryCount"]?.GetValue<int>() ?? 0;

    public static bool AutoRemove(JsonObject host) => host["AutoRemove"]?.GetValue<bool>() ?? false;

    public static string LogDriver(JsonObject host) => (host["LogConfig"] as JsonObject)?["Type"]?.GetValue<string>() ?? "json-file";

    public static IReadOnlyDictionary<string, string> LogOptions(JsonObject host) =>
        (host["LogConfig"] as JsonObject)?["Config"] is JsonObject opts
            ? opts.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>();
}
