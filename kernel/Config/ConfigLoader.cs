using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Kernel.Config;

/// <summary>Reads daemon.json, merges it with the flags and validates every value, naming the key that is wrong.</summary>
public static class ConfigLoader
{
    public const string DefaultConfigFile = "/etc/berth/daemon.json";

    private static readonly string[] LogLevels = ["debug", "info", "warn", "error", "fatal", "panic"];

    /// <exception cref="ConfigException">The file cannot be read, has an unknown key, a bad value, or a key also given as a flag.</exception>
    public static DaemonConfig Load(CommandLine commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var path = commandLine.ConfigFile ?? DefaultConfigFile;
        var file = ReadFile(path, required: commandLine.ConfigFile is not null);
        return Build(commandLine.Values, file, file is null ? null : path);
    }

    public static JsonObject? ReadFile(string path, bool required)
    {
        if (!File.Exists(path))
        {
            if (required) throw new ConfigException($"unable to configure the daemon with file {path}: the file does not exist");
            return null;
        }
        try
        {
            var text = File.ReadAllText(path);
            if (string.IsNullOrWhiteSpace(text)) return [];
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new ConfigException($"unable to configure the daemon with file {path}: the file must hold a JSON object");
        }
        catch (JsonException ex)
        {
            throw new ConfigException($"unable to configure the daemon with file {path}: {ex.Message}");
        }
    }

    public static DaemonConfig Build(JsonObject flags, JsonObject? file, string? filePath)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var source = filePath is null ? "the command line" : $"file {filePath}";
        if (file is not null)
        {
            var unknown = file.Select(p => p.Key).Where(k => !ConfigKeys.IsKnown(k)).ToList();
            if (unknown.Count > 0)
                throw new ConfigException($"unable to configure the daemon with {source}: the following directives don't match any configuration option: {string.Join(", ", unknown)}");
            var both = file.Select(p => p.Key).Where(flags.ContainsKey).ToList();
            if (both.Count > 0)
                throw new ConfigException($"unable to configure the daemon with {source}: the following directives are specified both as a flag and in the configuration file: "
                    + string.Join(", ", both.Select(k => $"{k}: (from flag: {flags[k]?.ToJsonString()}, from file: {file[k]?.ToJsonString()})")));
        }

        var merged = new JsonObject();
        foreach (var (key, value) in file ?? []) merged[key] = value?.DeepClone();
        foreach (var (key, value) in flags) merged[key] = value?.DeepClone();

        var reader = new ValueReader(merged, source);
        var defaults = new DaemonConfig();
        var execRoot = reader.AbsolutePath("exec-root") ?? defaults.ExecRoot;
        var config = new DaemonConfig
        {
            ConfigFile = filePath,
            Hosts = reader.StringList("hosts") is { Count: > 0 } hosts ? hosts : defaults.Hosts,
            DataRoot = reader.AbsolutePath("data-root") ?? defaults.DataRoot,
            ExecRoot = execRoot,
            // Beside the exec root (/run/berth/berthd.pid by default), so daemons with their own exec roots do not collide.
            Pidfile = reader.AbsolutePath("pidfile") ?? Path.Combine(execRoot, "berthd.pid"),
            Debug = reader.Bool("debug") ?? false,
            LogLevel = reader.OneOf("log-level", LogLevels) ?? defaults.LogLevel,
            StorageDriver = reader.NonEmpty("storage-driver") ?? defaults.StorageDriver,
            StorageOpts = reader.StringList("storage-opts") ?? [],
            InsecureRegistries = reader.StringList("insecure-registries") ?? [],
            LogDriver = reader.NonEmpty("log-driver") ?? defaults.LogDriver,
            LogOpts = reader.StringMap("log-opts") ?? defaults.LogOpts,
            NetworkDriver = reader.NonEmpty("network-driver") ?? defaults.NetworkDriver,
            ClusterBackend = reader.NonEmpty("cluster-backend") ?? defaults.ClusterBackend,
            Bridge = reader.String("bridge") ?? "",
            Bip = reader.Cidr("bip") ?? "",
            Iptables = reader.Bool("iptables") ?? true,
            LiveRestore = reader.Bool("live-restore") ?? false,
            DefaultRuntime = reader.NonEmpty("default-runtime") ?? defaults.DefaultRuntime,
            Runtimes = reader.Runtimes("runtimes"),
            Labels = reader.Labels("labels"),
            Tls = reader.Bool("tls") ?? false,
            TlsVerify = reader.Bool("tlsverify") ?? false,
            TlsCaCert = reader.String("tlscacert") ?? "",
            TlsCert = reader.String("tlscert") ?? "",
            TlsKey = reader.String("tlskey") ?? "",
            Group = reader.String("group") ?? defaults.Group,
            Experimental = reader.Bool("experimental") ?? false,
            ShutdownTimeoutSeconds = (int)(reader.Number("shutdown-timeout", min: 0) ?? defaults.ShutdownTimeoutSeconds),
            PluginCallTimeout = reader.Seconds("plugin-call-timeout") ?? defaults.PluginCallTimeout,
            PluginHealthInterval = reader.Seconds("plugin-health-interval") ?? defaults.PluginHealthInterval,
            IgnoredKeys = merged.Select(p => p.Key).Where(ConfigKeys.AcceptedForCompatibility.Contains).ToList(),
        };
        foreach (var host in config.Hosts) HostAddress.Parse(host);
        if (config.DefaultRuntime != "runc" && !config.Runtimes.ContainsKey(config.DefaultRuntime) && config.DefaultRuntime != "crun")
            throw new ConfigException($"invalid value for \"default-runtime\" in {source}: runtime \"{config.DefaultRuntime}\" is not configured in \"runtimes\"");
        if (config.TlsVerify && (config.TlsCaCert.Length == 0 || config.TlsCert.Length == 0 || config.TlsKey.Length == 0))
            throw new ConfigException($"invalid value for \"tlsverify\" in {source}: it needs \"tlscacert\", \"tlscert\" and \"tlskey\"");
        return config;
    }

    /// <summary>Reads typed values; every error names the key.</summary>
    private sealed class ValueReader(JsonObject values, string source)
    {
        private ConfigException Bad(string key, string what) => new($"invalid value for \"{key}\" in {source}: {what}");

        private JsonNode? Get(string key) => values.TryGetPropertyValue(key, out var node) ? node : null;

        public string? String(string key) => Get(key) switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            var other => throw Bad(key, $"expected a string, got {other.GetValueKind().ToString().ToLowerInvariant()}"),
        };

        public string? NonEmpty(string key)
        {
            var s = String(key);
            if (s is not null && s.Trim().Length == 0) throw Bad(key, "must not be empty");
            return s;
        }

        public string? AbsolutePath(string key)
        {
            var s = NonEmpty(key);
            if (s is not null && !Path.IsPathRooted(s)) throw Bad(key, $"\"{s}\" is not an absolute path");
            return s;
        }

        public string? OneOf(string key, string[] allowed)
        {
            var s = String(key);
            if (s is not null && !allowed.Contains(s, StringComparer.OrdinalIgnoreCase))
                throw Bad(key, $"\"{s}\" is not one of {string.Join(", ", allowed)}");
            return s?.ToLowerInvariant();
        }

        public bool? Bool(string key) => Get(key) switch
        {
            null => null,
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            var other => throw Bad(key, $"expected true or false, got {other.ToJsonString()}"),
        };

        public double? Number(string key, double min)
        {
            var node = Get(key);
            if (node is null) return null;
            if (node is JsonValue v && (v.TryGetValue<double>(out var d) || (v.TryGetValue<string>(out var s) && double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out d))))
            {
                if (d < min || double.IsNaN(d) || double.IsInfinity(d)) throw Bad(key, $"{d} is below {min}");
                return d;
            }
            throw Bad(key, $"expected a number, got {node.ToJsonString()}");
        }

        public TimeSpan? Seconds(string key)
        {
            var n = Number(key, min: 0);
            if (n is null) return null;
            if (n <= 0) throw Bad(key, "must be more than 0 seconds");
            return TimeSpan.FromSeconds(n.Value);
        }

        public IReadOnlyList<string>? StringList(string key) => Get(key) switch
        {
            null => null,
            JsonArray a => a.Select(e => e is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Bad(key, $"expected strings, got {e?.ToJsonString() ?? "null"}")).ToList(),
            var other => throw Bad(key, $"expected a list of strings, got {other.ToJsonString()}"),
        };

        public IReadOnlyDictionary<string, string>? StringMap(string key) => Get(key) switch
        {
            null => null,
            JsonObject o => o.ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Bad(key, $"\"{p.Key}\" must be a string")),
            var other => throw Bad(key, $"expected an object of strings, got {other.ToJsonString()}"),
        };

        public IReadOnlyList<string> Labels(string key)
        {
            var labels = StringList(key) ?? [];
            foreach (var label in labels)
                if (label.IndexOf('=', StringComparison.Ordinal) <= 0) throw Bad(key, $"label \"{label}\" is not key=value");
            return labels;
        }

        public string? Cidr(string key)
        {
            var s = String(key);
            if (string.IsNullOrEmpty(s)) return s;
            var slash = s.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0 || !IPAddress.TryParse(s[..slash], out _) || !int.TryParse(s[(slash + 1)..], out var len) || len is < 0 or > 32)
                throw Bad(key, $"\"{s}\" is not an IPv4 address in CIDR form like 172.17.0.1/16");
            return s;
        }

        public IReadOnlyDictionary<string, RuntimeConfig> Runtimes(string key)
        {
            var node = Get(key);
            if (node is null) return new Dictionary<string, RuntimeConfig>();
            if (node is not JsonObject o) throw Bad(key, "expected an object of runtimes");
            var result = new Dictionary<string, RuntimeConfig>();
            foreach (var (name, value) in o)
            {
                if (value is not JsonObject r || r["path"] is not JsonValue p || !p.TryGetValue<string>(out var path) || path.Length == 0)
                    throw Bad(key, $"runtime \"{name}\" needs a \"path\"");
                var args = r["runtimeArgs"] is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? "").ToList() : [];
                result[name] = new RuntimeConfig(path, args);
            }
            return result;
        }
    }
}
