namespace Berth.Kernel.Stats;

/// <summary>How this machine mounts cgroups.</summary>
public enum CgroupVersion
{
    /// <summary>Legacy: one v1 hierarchy per controller (or group of controllers), no cgroup2 mount.</summary>
    V1,

    /// <summary>Unified: a single cgroup2 hierarchy.</summary>
    V2,

    /// <summary>v1 controllers plus a controller-less cgroup2 mount (usually /sys/fs/cgroup/unified). Stats come from v1, as with dockerd.</summary>
    Hybrid,
}
