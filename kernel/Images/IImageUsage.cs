namespace Berth.Kernel.Images;

/// <summary>Which containers use an image: the containers subsystem answers, so an image in use is never removed.</summary>
public interface IImageUsage
{
    /// <summary>Ids of the containers created from <paramref name="imageId"/>, and whether any of them runs.</summary>
    (IReadOnlyList<string> ContainerIds, bool AnyRunning) ContainersUsing(string imageId);
}

/// <summary>The answer while Berth has no containers subsystem: nothing uses an image.</summary>
public sealed class NoContainers : IImageUsage
{
    public (IReadOnlyList<string> ContainerIds, bool AnyRunning) ContainersUsing(string imageId) => ([], false);
}
