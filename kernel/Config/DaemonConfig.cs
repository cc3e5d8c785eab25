namespace Berth.Kernel.Config;

/// <summary>The effective daemon configuration: defaults, then daemon.json, then flags. Immutable; a reload swaps it.</summary>
public sealed record DaemonConfig
{
    public IReadOnlyList<string> Hosts { get; init; } = ["unix:///run/berth/berth.sock"];
    public string DataRoot { get; init; } = "/var/lib/berth";
    public string ExecRoot { get; init; } = "/run/berth";
    public string Pidfile { get; init; } = "/run/berth/berthd.pid";
    public string? ConfigFile { get; init; }
    public bool Debug { get; init; }
    public string LogLevel { get; init; } = "info";
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];
    public string StorageDriver { get; init; } = "overlay2";
    public IReadOnlyList<string> StorageOpts { get; init; } = [];
    public string LogDriver { get; init; } = "json-file";
    public IReadOnlyDictionary<string, string> LogOpts { get; init; } = new Dictionary<string, string>();
    public string NetworkDriver { get; init; } = "bridge";
    public string ClusterBackend { get; init; } = "swarmkit";
    public string Bridge { get; init; } = "";
    public string Bip { get; init; } = "";
    public bool Iptables { get; init; } = true;
    public bool LiveRestore { get; init; }
    public string DefaultRuntime { get; init; } = "runc";
    public IReadOnlyDictionary<string, RuntimeConfig> Runtimes { get; init; } = new Dictionary<string, RuntimeConfig>();
    public IReadOnlyList<string> Labels { get; init; } = [];
    public bool Tls { get; init; }
    public bool TlsVerify { get; init; }
    public string TlsCaCert { get; init; } = "";
    public string TlsCert { get; init; } = "";
    public string TlsKey { get; init; } = "";
    public string Group { get; init; } = "berth";
    public bool Experimental { get; init; }
    public int ShutdownTimeoutSeconds { get; init; } = 15;

    /// <summary>Per-call deadline for plugin calls, so a hung plugin never hangs the API.</summary>
    public TimeSpan PluginCallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the supervisor pings each plugin process.</summary>
    public TimeSpan PluginHealthInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Keys given in daemon.json that Berth accepts for compatibility but does not act on yet.</summary>
    public IReadOnlyList<string> IgnoredKeys { get; init; } = [];
}

public sealed record RuntimeConfig(string Path, IReadOnlyList<string> RuntimeArgs);
