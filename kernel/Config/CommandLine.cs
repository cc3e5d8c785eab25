using System.Text.Json.Nodes;

namespace Berth.Kernel.Config;

/// <summary>dockerd-compatible flags, turned into daemon.json keys so flags and file merge in one place.</summary>
public sealed record CommandLine(JsonObject Values, string? ConfigFile, bool ShowVersion, bool ShowHelp)
{
    private enum Arity { Bool, Single, Append, MapEntry }

    private sealed record Flag(string Key, Arity Arity);

    private static readonly Dictionary<string, Flag> Flags = new(StringComparer.Ordinal)
    {
        ["-H"] = new("hosts", Arity.Append), ["--host"] = new("hosts", Arity.Append),
        ["--data-root"] = new("data-root", Arity.Single),
        ["--exec-root"] = new("exec-root", Arity.Single),
        ["-p"] = new("pidfile", Arity.Single), ["--pidfile"] = new("pidfile", Arity.Single),
        ["-D"] = new("debug", Arity.Bool), ["--debug"] = new("debug", Arity.Bool),
        ["-l"] = new("log-level", Arity.Single), ["--log-level"] = new("log-level", Arity.Single),
        ["-s"] = new("storage-driver", Arity.Single), ["--storage-driver"] = new("storage-driver", Arity.Single),
        ["--storage-opt"] = new("storage-opts", Arity.Append),
        ["--insecure-registry"] = new("insecure-registries", Arity.Append),
        ["--log-driver"] = new("log-driver", Arity.Single),
        ["--log-opt"] = new("log-opts", Arity.MapEntry),
        ["-b"] = new("bridge", Arity.Single), ["--bridge"] = new("bridge", Arity.Single),
        ["--bip"] = new("bip", Arity.Single),
        ["--iptables"] = new("iptables", Arity.Bool),
        ["--live-restore"] = new("live-restore", Arity.Bool),
        ["--default-runtime"] = new("default-runtime", Arity.Single),
        ["--label"] = new("labels", Arity.Append),
        ["--tls"] = new("tls", Arity.Bool),
        ["--tlsverify"] = new("tlsverify", Arity.Bool),
        ["--tlscacert"] = new("tlscacert", Arity.Single),
        ["--tlscert"] = new("tlscert", Arity.Single),
        ["--tlskey"] = new("tlskey", Arity.Single),
        ["-G"] = new("group", Arity.Single), ["--group"] = new("group", Arity.Single),
        ["--experimental"] = new("experimental", Arity.Bool),
        ["--shutdown-timeout"] = new("shutdown-timeout", Arity.Single),
        ["--network-driver"] = new("network-driver", Arity.Single),
        ["--cluster-backend"] = new("cluster-backend", Arity.Single),
        ["--plugin-call-timeout"] = new("plugin-call-timeout", Arity.Single),
        ["--plugin-health-interval"] = new("plugin-health-interval", Arity.Single),
    };

    public static string Usage => "Usage: berthd [OPTIONS]\n\nA Docker-compatible container engine.\n\nOptions:\n  --config-file string\n"
        + string.Join("\n", Flags.Keys.Order().Select(f => "  " + f)) + "\n  -v, --version\n  -h, --help\n";

    /// <exception cref="ConfigException">An unknown flag or a missing value.</exception>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new JsonObject();
        string? configFile = null;
        bool version = false, help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name = arg;
            string? inline = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }
            string Next()
            {
                if (inline is not null) return inline;
                if (i + 1 >= args.Count) throw new ConfigException($"flag needs an argument: {name}");
                return args[++i];
            }

            switch (name)
            {
                case "--config-file": configFile = Next(); continue;
                case "-v" or "--version": version = true; continue;
                case "-h" or "--help": help = true; continue;
            }
            if (!Flags.TryGetValue(name, out var flag))
                throw new ConfigException($"unknown flag: {name}\nSee 'berthd --help'.");

            switch (flag.Arity)
            {
                case Arity.Bool:
                    values[flag.Key] = inline is null ? true : ParseBool(name, inline);
                    break;
                case Arity.Single:
                    values[flag.Key] = Next();
                    break;
                case Arity.Append:
                    if (values[flag.Key] is not JsonArray list) values[flag.Key] = list = [];
                    list.Add(Next());
                    break;
                case Arity.MapEntry:
                    var entry = Next();
                    var sep = entry.IndexOf('=', StringComparison.Ordinal);
                    if (sep <= 0) throw new ConfigException($"invalid value \"{entry}\" for flag {name}: expected key=value");
                    if (values[flag.Key] is not JsonObject map) values[flag.Key] = map = [];
                    map[entry[..sep]] = entry[(sep + 1)..];
                    break;
            }
        }
        return new CommandLine(values, configFile, version, help);
    }

    private static bool ParseBool(string flag, string text) => text.ToLowerInvariant() switch
    {
        "1" or "t" or "true" => true,
        "0" or "f" or "false" => false,
        _ => throw new ConfigException($"invalid boolean value \"{text}\" for flag {flag}"),
    };
}
