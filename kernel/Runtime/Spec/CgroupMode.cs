namespace Berth.Kernel.Runtime.Spec;

/// <summary>How the host mounts cgroups, as containerd's cgroups.Mode() tells them apart.</summary>
public enum CgroupMode
{
    /// <summary>cgroup v1 controllers only.</summary>
    Legacy,

    /// <summary>cgroup v1 controllers plus a v2 hierarchy at /sys/fs/cgroup/unified (v1 rules apply).</summary>
    Hybrid,

    /// <summary>Pure cgroup v2 at /sys/fs/cgroup.</summary>
    Unified,
}
