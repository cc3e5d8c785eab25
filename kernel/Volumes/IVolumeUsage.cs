namespace Berth.Kernel.Volumes;

/// <summary>Which containers reference a volume (running or not): the containers subsystem answers, so a volume in use is never removed or pruned.</summary>
public interface IVolumeUsage
{
    /// <summary>Ids of the containers whose mounts name <paramref name="volumeName"/>.</summary>
    IReadOnlyList<string> ContainersUsing(string volumeName);
}

/// <summary>The answer while Berth has no containers subsystem: no container references a volume.</summary>
public sealed class NoVolumeUsers : IVolumeUsage
{
    public static NoVolumeUsers Instance { get; } = new();

    public IReadOnlyList<string> ContainersUsing(string volumeName) => [];
}
