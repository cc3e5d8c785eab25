using Berth.Kernel.Runtime;
using Berth.Kernel.Runtime.Spec;
using Berth.Kernel.Volumes;
using Berth.Sdk.Storage.Mounts;

namespace Berth.Kernel.Containers;

public sealed partial class ContainerService
{
    /// <summary>
    /// The mounts the spec gets besides the defaults: /etc/hostname, /etc/hosts, /etc/resolv.conf, then volumes
    /// (mounted and, when new and empty, filled from the image), binds and tmpfs. <paramref name="mountedVolumes"/>
    /// collects what must be released if the start fails.
    /// </summary>
    private async Task<IReadOnlyList<OciMount>> PrepareMountsAsync(Container container, RuntimePaths paths, List<string> mountedVolumes, CancellationToken cancellationToken)
    {
        var result = new List<OciMount>();
        var etc = await WriteEtcFilesAsync(container, cancellationToken).ConfigureAwait(false);
        foreach (var (destination, source) in etc)
        {
            if (container.Mounts.Any(m => m.Destination == destination)) continue;
            result.Add(new OciMount(destination, "bind", source, ["rbind", "rprivate"]));
        }
        foreach (var mount in container.Mounts)
        {
            switch (mount.Type)
            {
                case "volume":
                    var path = await volumes.MountAsync(mount.Name!, container.Id, cancellationToken).ConfigureAwait(false);
                    mountedVolumes.Add(mount.Name!);
                    if (!mount.Options.Contains("nocopy"))
                        await CopyUpAsync(Path.Combine(paths.Rootfs, mount.Destination.TrimStart('/')), path, cancellationToken).ConfigureAwait(false);
                    result.Add(new OciMount(mount.Destination, "bind", path, ["rbind", mount.RW ? "rw" : "ro", "rprivate"]));
                    volumes.PublishMount(mount.Name!, container.Id, mount.Destination, mount.RW, mount.Propagation);
                    break;
                case "bind":
                    if (!Path.Exists(mount.Source)) Directory.CreateDirectory(mount.Source); // -v creates a missing host directory, as Moby does
                    result.Add(new OciMount(mount.Destination, "bind", mount.Source, ["rbind", mount.RW ? "rw" : "ro", mount.Propagation]));
                    break;
                case "tmpfs":
                    result.Add(new OciMount(mount.Destination, "tmpfs", "tmpfs", ["nosuid", "nodev", "noexec", .. mount.Options, mount.RW ? "rw" : "ro"]));
                    break;
            }
        }
        return result;
    }

    /// <summary>Docker's copy-up: a new, empty volume mounted over image content starts with a copy of it.</summary>
    private static async Task CopyUpAsync(string imagePath, string volumePath, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(imagePath) || Directory.EnumerateFileSystemEntries(volumePath).Any()) return;
        await VolumeService.CopyUpAsync(imagePath, volumePath, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReleaseMountsAsync(Container container, RuntimePaths paths, IEnumerable<string> mountedVolumes)
    {
        foreach (var name in mountedVolumes)
        {
            try
            {
                await volumes.UnmountAsync(name, container.Id, CancellationToken.None).ConfigureAwait(false);
                volumes.PublishUnmount(name, container.Id);
            }
            catch (Exception ex) when (ex is Sdk.BerthException or IOException)
            {
                Serilog.Log.Warning("unmounting volume {Name} of {Id}: {Message}", name, container.Id, ex.Message);
            }
        }
        try
        {
            if (Mountinfo.IsMountPoint(paths.Rootfs)) MountHelper.Unmount(paths.Rootfs);
        }
        catch (IOException ex)
        {
            Serilog.Log.Warning("unmounting the rootfs of {Id}: {Message}", container.Id, ex.Message);
        }
    }
}
