using Berth.Sdk.Snapshots;

namespace Berth.Sdk.Storage.Mounts;

/// <summary>
/// Performs a snapshotter's <see cref="Mount"/> list with mount(2), as containerd's <c>mount.All</c> does: each
/// mount in order onto the same target. Supports <c>bind</c> (with <c>rbind</c>, <c>ro</c>, <c>rw</c>…) and
/// file-system mounts such as <c>overlay</c> (<c>lowerdir=</c>, <c>upperdir=</c>, <c>workdir=</c>). Needs root.
/// </summary>
public static class MountHelper
{
    /// <summary>Mounts <paramref name="mounts"/> on <paramref name="target"/> (created if missing); dispose the result to unmount.</summary>
    public static MountedTree Mount(IReadOnlyList<Mount> mounts, string target)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (mounts.Count == 0) throw new ArgumentException("there is nothing to mount", nameof(mounts));
        target = Path.GetFullPath(target);
        Directory.CreateDirectory(target);
        var done = new List<string>();
        try
        {
            foreach (var mount in mounts)
            {
                MountOne(mount, target);
                done.Add(target);
            }
        }
        catch
        {
            for (var i = done.Count - 1; i >= 0; i--) Unmount(done[i]);
            throw;
        }
        return new MountedTree(target, done);
    }

    /// <summary>Unmounts <paramref name="target"/>; when it is busy, detaches it lazily (MNT_DETACH).</summary>
    public static void Unmount(string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (MountCalls.Umount2(target, 0) == 0) return;
        var first = MountCalls.LastError();
        if (MountCalls.Umount2(target, MountCalls.MntDetach) != 0)
            throw new IOException($"umount {target}: {first}; lazy umount: {MountCalls.LastError()}");
    }

    /// <summary>Unmounts every mount at or below <paramref name="directory"/> (deepest first). Returns those it could not.</summary>
    public static IReadOnlyList<string> UnmountAllUnder(string directory)
    {
        // A mount point may carry several stacked mounts; go round until none is left or nothing changes.
        for (var round = 0; round < 16; round++)
        {
            var points = Mountinfo.MountPointsUnder(directory);
            if (points.Count == 0) return [];
            foreach (var point in points)
            {
                if (MountCalls.Umount2(point, 0) != 0) _ = MountCalls.Umount2(point, MountCalls.MntDetach);
            }
        }
        return Mountinfo.MountPointsUnder(directory);
    }

    private static void MountOne(Mount mount, string target)
    {
        ArgumentNullException.ThrowIfNull(mount);
        var options = MountOptions.Parse(mount.Options ?? []);
        var isBind = options.IsBind || mount.Type == "bind";
        if (isBind)
        {
            var bindFlags = MountOptions.Bind | (options.Flags & MountOptions.Recursive);
            Call(mount.Source, target, null, bindFlags, null, mount);
            var remount = options.Flags & MountOptions.BindRemountFlags;
            if (remount != 0)
            {
                try
                {
                    Call("none", target, null, MountOptions.Remount | MountOptions.Bind | remount, null, mount);
                }
                catch
                {
                    Unmount(target);
                    throw;
                }
            }
            return;
        }
        Call(mount.Source, target, mount.Type, options.Flags, options.Data, mount);
    }

    private static void Call(string source, string target, string? type, ulong flags, string? data, Mount mount)
    {
        if (MountCalls.Mount(source, target, type, flags, data) != 0)
        {
            throw new IOException(
                $"mount {mount.Type} {mount.Source} on {target} ({string.Join(',', mount.Options ?? [])}): {MountCalls.LastError()}");
        }
    }
}
