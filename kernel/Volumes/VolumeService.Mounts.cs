using Berth.Sdk;

namespace Berth.Kernel.Volumes;

/// <summary>What containers call: mount bookkeeping per container id, copy-up, and the mount/unmount events.</summary>
public sealed partial class VolumeService
{
    /// <summary>
    /// A container starts using the volume: the host path of its <c>_data</c> to bind into the container. The first
    /// user of a <c>type</c>/<c>device</c> volume mounts it there. Calling again for the same container changes nothing.
    /// </summary>
    /// <exception cref="BerthException">404 for a missing volume, 500 when the mount fails.</exception>
    public async Task<string> MountAsync(string name, string containerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        using var held = await changes.LockAsync(cancellationToken).ConfigureAwait(false);
        var entry = EntryOf(name);
        if (entry.Volume.NeedsMount && !entry.Mounted)
        {
            LocalVolumeMounter.Mount(entry.Volume.Options, entry.Volume.Mountpoint);
            lock (gate) entry.Mounted = true;
        }
        lock (gate) entry.Users.Add(containerId);
        return entry.Volume.Mountpoint;
    }

    /// <summary>A container stops using the volume; after the last user a <c>type</c>/<c>device</c> volume is unmounted.</summary>
    /// <exception cref="BerthException">404 for a missing volume, 500 when the unmount fails (the container is released all the same).</exception>
    public async Task UnmountAsync(string name, string containerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        using var held = await changes.LockAsync(cancellationToken).ConfigureAwait(false);
        var entry = EntryOf(name);
        bool last;
        lock (gate)
        {
            entry.Users.Remove(containerId);
            last = entry.Users.Count == 0;
        }
        if (last) UnmountHeld(entry);
    }

    /// <summary>
    /// After a restart, once the containers that are still running have called <see cref="MountAsync"/> again: unmounts
    /// the <c>type</c>/<c>device</c> volumes a previous run left mounted that no container uses now.
    /// </summary>
    public async Task UnmountIdleAsync(CancellationToken cancellationToken)
    {
        using var held = await changes.LockAsync(cancellationToken).ConfigureAwait(false);
        List<Entry> idle;
        lock (gate) idle = [.. entries.Values.Where(e => e.Mounted && e.Users.Count == 0)];
        foreach (var entry in idle)
        {
            try
            {
                UnmountHeld(entry);
            }
            catch (BerthException ex)
            {
                Serilog.Log.Warning("volumes: {Name} stays mounted: {Message}", entry.Volume.Name, ex.Message);
            }
        }
    }

    /// <summary>Docker's copy-up of image content into a new, empty volume (see <see cref="VolumeCopyUp"/>).</summary>
    /// <returns>False when nothing was copied: the source is not a folder, or the volume is not empty.</returns>
    public static Task<bool> CopyUpAsync(string sourceDir, string volumeData, CancellationToken cancellationToken) =>
        VolumeCopyUp.CopyAsync(sourceDir, volumeData, cancellationToken);

    /// <summary>The <c>volume mount</c> event moby sends when a container starts with the volume.</summary>
    /// <param name="propagation">As in the container's mount point (<c>""</c>, <c>rprivate</c>…).</param>
    public void PublishMount(string name, string containerId, string destination, bool readWrite, string propagation) =>
        events.Publish("volume", "mount", name, new Dictionary<string, string>
        {
            ["driver"] = VolumeNames.LocalDriver,
            ["container"] = containerId,
            ["destination"] = destination,
            ["read/write"] = readWrite ? "true" : "false",
            ["propagation"] = propagation,
        });

    /// <summary>The <c>volume unmount</c> event moby sends when a container releases the volume.</summary>
    public void PublishUnmount(string name, string containerId) =>
        events.Publish("volume", "unmount", name, new Dictionary<string, string> { ["driver"] = VolumeNames.LocalDriver, ["container"] = containerId });

    private void UnmountHeld(Entry entry)
    {
        if (!entry.Mounted) return;
        LocalVolumeMounter.Unmount(entry.Volume.Mountpoint);
        lock (gate) entry.Mounted = false;
    }
}
