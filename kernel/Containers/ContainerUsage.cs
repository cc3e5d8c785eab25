using Berth.Kernel.Images;
using Berth.Kernel.Volumes;

namespace Berth.Kernel.Containers;

/// <summary>Answers the image and volume stores' "who uses this?" from the container store (rmi/prune/volume rm conflicts).</summary>
public sealed class ContainerUsage(ContainerStore store) : IImageUsage, IVolumeUsage
{
    public (IReadOnlyList<string> ContainerIds, bool AnyRunning) ContainersUsing(string imageId)
    {
        var users = store.All.Where(c => c.ImageId == imageId).ToList();
        return (users.Select(c => c.Id).ToList(), users.Any(c => c.State.Running));
    }

    IReadOnlyList<string> IVolumeUsage.ContainersUsing(string volumeName) =>
        store.All.Where(c => c.Mounts.Any(m => m.Type == "volume" && m.Name == volumeName)).Select(c => c.Id).ToList();
}
