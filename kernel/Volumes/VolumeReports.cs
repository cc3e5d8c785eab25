namespace Berth.Kernel.Volumes;

/// <summary>A volume's <c>UsageData</c>: <c>Size</c> in bytes (-1 when unknown) and <c>RefCount</c>, the containers using it.</summary>
public readonly record struct VolumeUsageData(long Size, int RefCount);

/// <summary>What <c>docker volume prune</c> removed.</summary>
public sealed record VolumePruneReport(IReadOnlyList<string> VolumesDeleted, long SpaceReclaimed);
