namespace Berth.Kernel.Stats;

/// <summary>One cgroup filesystem mount: where it is and, for v1, which controllers it carries.</summary>
public sealed record CgroupMount(string MountPoint, bool IsV2, IReadOnlyList<string> Controllers);
