using System.Globalization;

namespace Berth.Kernel.Runtime.Spec;

public sealed partial record HostSupport
{
    /// <summary>The RLIMIT_* numbers of Linux's generic ABI (x86, arm, riscv, s390, ppc), by OCI name.</summary>
    internal static readonly IReadOnlyDictionary<string, int> RlimitNumbers = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["RLIMIT_CPU"] = 0, ["RLIMIT_FSIZE"] = 1, ["RLIMIT_DATA"] = 2, ["RLIMIT_STACK"] = 3, ["RLIMIT_CORE"] = 4,
        ["RLIMIT_RSS"] = 5, ["RLIMIT_NPROC"] = 6, ["RLIMIT_NOFILE"] = 7, ["RLIMIT_MEMLOCK"] = 8, ["RLIMIT_AS"] = 9,
        ["RLIMIT_LOCKS"] = 10, ["RLIMIT_SIGPENDING"] = 11, ["RLIMIT_MSGQUEUE"] = 12, ["RLIMIT_NICE"] = 13,
        ["RLIMIT_RTPRIO"] = 14, ["RLIMIT_RTTIME"] = 15,
    };

    private static readonly string[] InitSearchDirectories = ["/usr/local/libexec/docker", "/usr/libexec/docker", "/usr/local/lib/docker", "/usr/lib/docker"];

    /// <summary>Probes this host the way Moby's sysinfo does (cgroup files, /proc), plus capabilities, rlimits and the init binary.</summary>
    public static HostSupport Detect()
    {
        var cgroups = HostCgroups.Read();
        var support = new HostSupport
        {
            CgroupMode = cgroups.Mode,
            Seccomp = StatusField("Seccomp") is not null, // CONFIG_SECCOMP; every kernel that has it here also has filters
            AppArmor = Directory.Exists("/sys/kernel/security/apparmor") && CanRead("/sys/kernel/security/apparmor/profiles"),
            CgroupNamespaces = File.Exists("/proc/self/ns/cgroup"),
            InUserNamespace = RunningInUserNamespace(),
            IPv4ForwardingDisabled = ReadTrimmed("/proc/sys/net/ipv4/ip_forward") != "1",
            CpuCount = Environment.ProcessorCount,
            KernelVersion = ParseKernelVersion(ReadTrimmed("/proc/sys/kernel/osrelease") ?? ""),
            RlimitHardLimits = DetectRlimits(),
            Capabilities = DetectCapabilities(),
            CapLastCap = int.TryParse(ReadTrimmed("/proc/sys/kernel/cap_last_cap"), CultureInfo.InvariantCulture, out var last) ? last : CapabilityRules.Known.Count - 1,
            InitPath = FindInit(),
            DefaultSysctls = new HashSet<string>(
                new[] { "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start" }.Where(SysctlExists), StringComparer.Ordinal),
            ExtraMaskedPaths = ThermalThrottlePaths(),
        };
        return cgroups.Mode == CgroupMode.Unified ? WithUnifiedControllers(support, cgroups) : WithV1Controllers(support, cgroups);
    }

    private static HostSupport WithV1Controllers(HostSupport support, HostCgroups cgroups)
    {
        string? Mount(string controller) => cgroups.V1Mounts.TryGetValue(controller, out var path) ? path : null;
        static bool Has(string? mount, string file) => mount is not null && File.Exists(Path.Combine(mount, file));
        var memory = Mount("memory");
        var cpu = Mount("cpu");
        var blkio = Mount("blkio");
        var cpuset = Mount("cpuset");
        return support with
        {
            MemoryLimit = memory is not null,
            SwapAccounting = Has(memory, "memory.memsw.limit_in_bytes"),
            MemoryReservation = Has(memory, "memory.soft_limit_in_bytes"),
            OomKillDisable = Has(memory, "memory.oom_control"),
            MemorySwappiness = Has(memory, "memory.swappiness"),
            KernelMemory = Has(memory, "memory.kmem.limit_in_bytes"),
            KernelMemoryTcp = Has(memory, "memory.kmem.tcp.limit_in_bytes"),
            CpuShares = Has(cpu, "cpu.shares"),
            CpuCfs = Has(cpu, "cpu.cfs_quota_us"),
            CpuRealtime = Has(cpu, "cpu.rt_period_us"),
            Cpuset = cpuset is not null,
            Cpus = cpuset is null ? "" : ReadTrimmed(Path.Combine(cpuset, "cpuset.cpus")) ?? "",
            Mems = cpuset is null ? "" : ReadTrimmed(Path.Combine(cpuset, "cpuset.mems")) ?? "",
            PidsLimit = Mount("pids") is not null,
            BlkioWeight = Has(blkio, "blkio.weight"),
            BlkioWeightDevice = Has(blkio, "blkio.weight_device"),
            BlkioReadBpsDevice = Has(blkio, "blkio.throttle.read_bps_device"),
            BlkioWriteBpsDevice = Has(blkio, "blkio.throttle.write_bps_device"),
            BlkioReadIOpsDevice = Has(blkio, "blkio.throttle.read_iops_device"),
            BlkioWriteIOpsDevice = Has(blkio, "blkio.throttle.write_iops_device"),
        };
    }

    private static HostSupport WithUnifiedControllers(HostSupport support, HostCgroups cgroups)
    {
        var controllers = (ReadTrimmed(Path.Combine(cgroups.UnifiedRoot, "cgroup.controllers")) ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var memory = controllers.Contains("memory");
        var io = controllers.Contains("io");
        var cpuset = controllers.Contains("cpuset");
        var ownGroup = Path.Combine(cgroups.UnifiedRoot, cgroups.OwnUnifiedGroup.TrimStart('/'));
        return support with
        {
            MemoryLimit = memory,
            SwapAccounting = memory && cgroups.OwnUnifiedGroup != "" && File.Exists(Path.Combine(ownGroup, "memory.swap.max")),
            MemoryReservation = memory,
            CpuShares = controllers.Contains("cpu"),
            CpuCfs = controllers.Contains("cpu"),
            Cpuset = cpuset,
            Cpus = cpuset ? ReadTrimmed(Path.Combine(cgroups.UnifiedRoot, "cpuset.cpus.effective")) ?? "" : "",
            Mems = cpuset ? ReadTrimmed(Path.Combine(cgroups.UnifiedRoot, "cpuset.mems.effective")) ?? "" : "",
            PidsLimit = controllers.Contains("pids"),
            BlkioWeight = io,
            BlkioWeightDevice = io,
            BlkioReadBpsDevice = io,
            BlkioWriteBpsDevice = io,
            BlkioReadIOpsDevice = io,
            BlkioWriteIOpsDevice = io,
        };
    }

    private static Dictionary<string, ulong> DetectRlimits()
    {
        var limits = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (name, number) in RlimitNumbers)
            if (SpecNative.HardLimit(number) is { } hard) limits[name] = hard;
        return limits;
    }

    private static IReadOnlyList<string> DetectCapabilities()
    {
        var effective = StatusField("CapEff");
        return effective is not null && ulong.TryParse(effective, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask)
            ? CapabilityRules.FromBitmap(mask)
            : [];
    }

    /// <summary>Moby's LookupInitPath: docker-init on PATH or in Docker's libexec directories; Berth also takes tini-static.</summary>
    private static string? FindInit()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        var directories = path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(InitSearchDirectories).ToList();
        foreach (var name in new[] { "docker-init", "tini-static" })
            foreach (var directory in directories)
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    private static List<string> ThermalThrottlePaths()
    {
        var paths = new List<string>();
        var possible = ReadTrimmed("/sys/devices/system/cpu/possible");
        if (possible is null || !CpusetList.TryParse(possible, 0, out var cpus, out _)) return paths;
        foreach (var cpu in cpus.Order())
        {
            var path = $"/sys/devices/system/cpu/cpu{cpu}/thermal_throttle";
            if (Path.Exists(path)) paths.Add(path);
        }
        return paths;
    }

    private static bool RunningInUserNamespace()
    {
        var map = ReadTrimmed("/proc/self/uid_map");
        if (map is null) return false;
        var fields = map.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return !(fields.Length == 3 && fields[0] == "0" && fields[1] == "0" && fields[2] == "4294967295");
    }

    private static bool SysctlExists(string name) => Path.Exists(Path.Combine("/proc/sys", name.Replace('.', '/')));

    internal static Version ParseKernelVersion(string release)
    {
        var parts = release.Split('.', '-', '+');
        return parts.Length >= 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var major)
            && int.TryParse(new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray()), CultureInfo.InvariantCulture, out var minor)
            ? new Version(major, minor)
            : new Version(0, 0);
    }

    private static string? StatusField(string field)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(field + ":", StringComparison.Ordinal)) return line[(field.Length + 1)..].Trim();
        }
        catch (IOException)
        {
        }
        return null;
    }

    private static string? ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool CanRead(string path) => ReadTrimmed(path) is not null;
}
