using Berth.Kernel.Images;
using Berth.Kernel.Runtime;
using Berth.Sdk.Storage.Mounts;

namespace Berth.Kernel.Containers.Archive;

/// <summary>
/// A container's files for docker cp/export/diff: a running container through /proc/&lt;pid&gt;/root (its volumes
/// and mounts included, as it sees them), a stopped one by mounting its snapshot for the time of the operation.
/// </summary>
public sealed class ContainerFilesystem(ImageSubsystem images, ContainerRuntime runtime)
{
    /// <param name="live">The running container's own view (with its mounts); otherwise just its layered root file system.</param>
    public async Task<Lease> OpenAsync(Container container, bool live, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (live && container.State.Running && container.State.Pid > 0) return new Lease($"/proc/{container.State.Pid}/root", null);
        var target = runtime.PathsOf(container.Id).Rootfs;
        if (Mountinfo.IsMountPoint(target)) return new Lease(target, null);
        var mounts = await images.Snapshotter.MountsAsync(container.Id, cancellationToken).ConfigureAwait(false);
        MountHelper.Mount(mounts, target);
        return new Lease(target, target);
    }

    /// <summary>The root to use; disposing unmounts what was mounted for it.</summary>
    public sealed class Lease(string root, string? mounted) : IDisposable
    {
        public string Root { get; } = root;

        public void Dispose()
        {
            if (mounted is null) return;
            try
            {
                MountHelper.Unmount(mounted);
            }
            catch (IOException ex)
            {
                Serilog.Log.Warning("unmounting {Path}: {Message}", mounted, ex.Message);
            }
        }
    }
}
