namespace Berth.Kernel.Config;

/// <summary>
/// The daemon.json keys Berth knows. Their values are typed and checked by <see cref="ConfigLoader"/>; which of them a
/// SIGHUP reloads is <see cref="DaemonConfigHolder.Reload"/>'s business.
/// </summary>
internal static class ConfigKeys
{
    /// <summary>Keys Berth acts on (dockerd's, plus its own network-driver, cluster-backend and plugin-* keys).</summary>
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal)
    {
        "hosts", "data-root", "exec-root", "pidfile", "debug", "log-level", "storage-driver", "storage-opts",
        "log-driver", "log-opts", "bridge", "bip", "iptables", "live-restore", "default-runtime", "runtimes",
        "labels", "tls", "tlsverify", "tlscacert", "tlscert", "tlskey", "group", "experimental", "shutdown-timeout",
        "network-driver", "cluster-backend", "plugin-call-timeout", "plugin-health-interval", "insecure-registries",
    };

    /// <summary>dockerd keys accepted so a Docker daemon.json loads, but not acted on yet (reported as warnings).</summary>
    public static readonly IReadOnlySet<string> AcceptedForCompatibility = new HashSet<string>(StringComparer.Ordinal)
    {
        "allow-nondistributable-artifacts", "api-cors-header", "authorization-plugins", "bip6", "builder",
        "cgroup-parent", "containerd", "containerd-namespace", "containerd-plugins-namespace",
        "default-address-pools", "default-cgroupns-mode", "default-gateway", "default-gateway-v6",
        "default-ipc-mode", "default-network-opts", "default-shm-size", "default-ulimits", "dns", "dns-opts",
        "dns-search", "exec-opts", "features", "fixed-cidr", "fixed-cidr-v6", "host-gateway-ip", "icc", "init",
        "init-path", "ip", "ip-forward", "ip-masq", "ip6tables", "ipv6", "log-format",
        "max-concurrent-downloads", "max-concurrent-uploads", "max-download-attempts", "mtu", "no-new-privileges",
        "node-generic-resources", "oom-score-adjust", "proxies", "raw-logs", "registry-mirrors", "seccomp-profile",
        "selinux-enabled", "swarm-default-advertise-addr", "userland-proxy", "userland-proxy-path", "userns-remap",
    };

    public static bool IsKnown(string key) => Supported.Contains(key) || AcceptedForCompatibility.Contains(key);
}
