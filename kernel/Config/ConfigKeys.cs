namespace Berth.Kernel.Config;

/// <summary>The daemon.json keys: how each is validated, whether a SIGHUP reloads it, and its dockerd flags.</summary>
internal static class ConfigKeys
{
    public enum ValueKind { String, Bool, StringList, StringMap, Number, Object, Any }

    /// <param name="Supported">false: dockerd knows it and Berth accepts it, but does not act on it yet.</param>
    public sealed record Key(string Name, ValueKind Kind, bool Reloadable = false, bool Supported = true);

    public static readonly IReadOnlyDictionary<string, Key> All = ((Key[])
    [
        new("hosts", ValueKind.StringList),
        new("data-root", ValueKind.String),
        new("exec-root", ValueKind.String),
        new("pidfile", ValueKind.String),
        new("debug", ValueKind.Bool, Reloadable: true),
        new("log-level", ValueKind.String, Reloadable: true),
        new("storage-driver", ValueKind.String),
        new("storage-opts", ValueKind.StringList),
        new("log-driver", ValueKind.String),
        new("log-opts", ValueKind.StringMap),
        new("bridge", ValueKind.String),
        new("bip", ValueKind.String),
        new("iptables", ValueKind.Bool),
        new("live-restore", ValueKind.Bool, Reloadable: true),
        new("default-runtime", ValueKind.String, Reloadable: true),
        new("runtimes", ValueKind.Object, Reloadable: true),
        new("labels", ValueKind.StringList, Reloadable: true),
        new("tls", ValueKind.Bool),
        new("tlsverify", ValueKind.Bool),
        new("tlscacert", ValueKind.String),
        new("tlscert", ValueKind.String),
        new("tlskey", ValueKind.String),
        new("group", ValueKind.String),
        new("experimental", ValueKind.Bool),
        new("shutdown-timeout", ValueKind.Number, Reloadable: true),
        // Berth's own keys.
        new("network-driver", ValueKind.String),
        new("cluster-backend", ValueKind.String),
        new("plugin-call-timeout", ValueKind.Number, Reloadable: true),
        new("plugin-health-interval", ValueKind.Number, Reloadable: true),
        // dockerd keys accepted for compatibility; Berth does not act on them yet.
        .. new[]
        {
            "allow-nondistributable-artifacts", "api-cors-header", "authorization-plugins", "bip6", "builder",
            "cgroup-parent", "containerd", "containerd-namespace", "containerd-plugins-namespace",
            "default-address-pools", "default-cgroupns-mode", "default-gateway", "default-gateway-v6",
            "default-ipc-mode", "default-network-opts", "default-shm-size", "default-ulimits", "dns", "dns-opts",
            "dns-search", "exec-opts", "features", "fixed-cidr", "fixed-cidr-v6", "host-gateway-ip", "icc", "init",
            "init-path", "insecure-registries", "ip", "ip-forward", "ip-masq", "ip6tables", "ipv6", "log-format",
            "max-concurrent-downloads", "max-concurrent-uploads", "max-download-attempts", "mtu", "no-new-privileges",
            "node-generic-resources", "oom-score-adjust", "proxies", "raw-logs", "registry-mirrors",
            "seccomp-profile", "selinux-enabled", "swarm-default-advertise-addr", "userland-proxy",
            "userland-proxy-path", "userns-remap",
        }.Select(n => new Key(n, ValueKind.Any, Supported: false)),
    ]).ToDictionary(k => k.Name, StringComparer.Ordinal);
}
