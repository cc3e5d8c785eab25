using System.Text.Json.Nodes;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>Moby's default Linux spec (oci/defaults.go, v28): mounts, masked and read-only paths, device rules.</summary>
public static class OciDefaults
{
    /// <summary>The OCI version runc 1.1.5 reports (<c>runc spec</c>).</summary>
    public const string OciVersion = "1.0.2-dev";

    /// <summary>Docker's default /dev/shm size (64 MiB).</summary>
    public const long DefaultShmSize = 64L * 1024 * 1024;

    /// <summary>The default mounts; /dev/shm gets its size= later, from ShmSize.</summary>
    public static IReadOnlyList<OciMount> Mounts { get; } =
    [
        new("/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]),
        new("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
        new("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
        new("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
        new("/sys/fs/cgroup", "cgroup", "cgroup", ["ro", "nosuid", "noexec", "nodev"]),
        new("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
        new("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777"]),
    ];

    /// <summary>Paths hidden from the container (plus the host's thermal_throttle paths, see <see cref="HostSupport.ExtraMaskedPaths"/>).</summary>
    public static IReadOnlyList<string> MaskedPaths { get; } =
    [
        "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
    ];

    public static IReadOnlyList<string> ReadonlyPaths { get; } = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <summary>The masked paths Moby stores in HostConfig.MaskedPaths when none are given.</summary>
    public static IReadOnlyList<string> MaskedPathsFor(HostSupport host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return [.. MaskedPaths, .. host.ExtraMaskedPaths];
    }

    /// <summary>Deny everything, then allow null, zero, full, tty, urandom, random, /dev/tty, /dev/console; deny fuse.</summary>
    public static JsonArray DeviceRules() =>
    [
        new JsonObject { ["allow"] = false, ["access"] = "rwm" },
        Rule(true, "c", 1, 5),
        Rule(true, "c", 1, 3),
        Rule(true, "c", 1, 9),
        Rule(true, "c", 1, 8),
        Rule(true, "c", 5, 0),
        Rule(true, "c", 5, 1),
        Rule(false, "c", 10, 229),
    ];

    internal static JsonObject Rule(bool allow, string type, long? major, long? minor, string access = "rwm")
    {
        var rule = new JsonObject { ["allow"] = allow, ["type"] = type };
        if (major is not null) rule["major"] = major.Value;
        if (minor is not null) rule["minor"] = minor.Value;
        rule["access"] = access;
        return rule;
    }
}
