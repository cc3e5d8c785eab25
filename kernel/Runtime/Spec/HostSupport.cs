namespace Berth.Kernel.Runtime.Spec;

/// <summary>
/// What the host lets containers have, detected once (<see cref="Detect"/>) — Moby's sysinfo.SysInfo plus the daemon's
/// capabilities and rlimits. Plain data, so tests describe any host they like.
/// </summary>
public sealed partial record HostSupport
{
    private static readonly Lazy<HostSupport> Detected = new(Detect, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>This host, detected on first use.</summary>
    public static HostSupport Current => Detected.Value;

    public CgroupMode CgroupMode { get; init; } = CgroupMode.Unified;

    /// <summary>The kernel has seccomp filters (CONFIG_SECCOMP_FILTER).</summary>
    public bool Seccomp { get; init; }

    /// <summary>AppArmor is enabled on the host (Berth loads no profile of its own either way).</summary>
    public bool AppArmor { get; init; }

    public bool CgroupNamespaces { get; init; } = true;

    /// <summary>The daemon itself runs inside a user namespace (rootful-in-rootless).</summary>
    public bool InUserNamespace { get; init; }

    public bool IPv4ForwardingDisabled { get; init; }

    /// <summary>CPUs the daemon may use (runtime.NumCPU()).</summary>
    public int CpuCount { get; init; } = 1;

    /// <summary>The running kernel's version (major.minor), for seccomp's minKernel filters.</summary>
    public Version KernelVersion { get; init; } = new(0, 0);

    public bool MemoryLimit { get; init; }

    /// <summary>Swap accounting (memory.memsw.* on v1, memory.swap.max on v2).</summary>
    public bool SwapAccounting { get; init; }

    public bool MemoryReservation { get; init; }
    public bool MemorySwappiness { get; init; }
    public bool OomKillDisable { get; init; }
    public bool KernelMemory { get; init; }
    public bool KernelMemoryTcp { get; init; }
    public bool CpuShares { get; init; }
    public bool CpuCfs { get; init; }
    public bool CpuRealtime { get; init; }
    public bool Cpuset { get; init; }

    /// <summary>The CPUs the root cpuset offers, in cgroup list format ("0-3").</summary>
    public string Cpus { get; init; } = "";

    /// <summary>The memory nodes the root cpuset offers ("0").</summary>
    public string Mems { get; init; } = "";

    public bool PidsLimit { get; init; }
    public bool BlkioWeight { get; init; }
    public bool BlkioWeightDevice { get; init; }
    public bool BlkioReadBpsDevice { get; init; }
    public bool BlkioWriteBpsDevice { get; init; }
    public bool BlkioReadIOpsDevice { get; init; }
    public bool BlkioWriteIOpsDevice { get; init; }

    /// <summary>The daemon's hard rlimits by OCI name ("RLIMIT_NOFILE"); <see cref="ulong.MaxValue"/> is unlimited.</summary>
    public IReadOnlyDictionary<string, ulong> RlimitHardLimits { get; init; } = new Dictionary<string, ulong>();

    /// <summary>The capabilities the daemon holds (its effective set), in kernel order: what "privileged" and "ALL" grant.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>/proc/sys/kernel/cap_last_cap.</summary>
    public int CapLastCap { get; init; } = 40;

    /// <summary>docker-init (or tini-static) on this host, for <c>--init</c>; null when there is none.</summary>
    public string? InitPath { get; init; }

    /// <summary>Sysctls Moby sets by default that exist on this host (net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start).</summary>
    public IReadOnlySet<string> DefaultSysctls { get; init; } = new HashSet<string>();

    /// <summary>Host-specific paths Moby masks on top of its list (/sys/devices/system/cpu/cpuN/thermal_throttle).</summary>
    public IReadOnlyList<string> ExtraMaskedPaths { get; init; } = [];

    public ulong NofileHardLimit => HardLimit("RLIMIT_NOFILE");

    public ulong NprocHardLimit => HardLimit("RLIMIT_NPROC");

    /// <summary>Raising a hard rlimit needs CAP_SYS_RESOURCE; without it runc fails, so the builder refuses first.</summary>
    public bool CanRaiseRlimits => Capabilities.Contains("CAP_SYS_RESOURCE");

    public ulong HardLimit(string ociName) => RlimitHardLimits.TryGetValue(ociName, out var limit) ? limit : ulong.MaxValue;
}
