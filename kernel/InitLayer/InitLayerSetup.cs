using Berth.Sdk.Storage;

namespace Berth.Kernel.InitLayer;

/// <summary>
/// Moby's initlayer.Setup: the mount points a container's root file system must have so the runtime can bind-mount
/// over them (/dev/pts, /dev/shm, /proc, /sys, /etc/resolv.conf, /etc/hosts, /etc/hostname, /dev/console), the
/// /.dockerenv marker tools use to detect a container, and /etc/mtab → /proc/mounts.
/// </summary>
/// <remarks>
/// The root comes from an image, so any path component may be a symbolic link (an absolute one such as
/// <c>/etc → /tmp/elsewhere</c> would point out of the root). Nothing here ever follows one: every component is
/// examined with lstat, and a component that is not a directory — a symbolic link, a file, a device — is unlinked and
/// replaced by a real directory inside the root, which is what moby does (it unlinks each component before creating).
/// Only the link itself goes; its target is never touched. The last component is kept when it already has the
/// wanted kind, so a second run changes nothing.
/// </remarks>
public static class InitLayerSetup
{
    private const UnixFileMode DirectoryMode = (UnixFileMode)0b111_101_101; // 0755
    private const UnixFileMode FileMode = (UnixFileMode)0b111_101_101; // 0755, as moby (hence -rwxr-xr-x /.dockerenv)

    private enum Kind
    {
        Directory,
        File,
        Symlink,
    }

    private static readonly (string Path, Kind Kind, string? Target)[] Entries =
    [
        ("dev/pts", Kind.Directory, null),
        ("dev/shm", Kind.Directory, null),
        ("proc", Kind.Directory, null),
        ("sys", Kind.Directory, null),
        (".dockerenv", Kind.File, null),
        ("etc/resolv.conf", Kind.File, null),
        ("etc/hosts", Kind.File, null),
        ("etc/hostname", Kind.File, null),
        ("dev/console", Kind.File, null),
        ("etc/mtab", Kind.Symlink, "/proc/mounts"),
    ];

    /// <summary>Creates what is missing under <paramref name="rootDir"/>; new entries are owned by <paramref name="uid"/>:<paramref name="gid"/> (the container's root).</summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="rootDir"/> is not a directory.</exception>
    public static void Populate(string rootDir, int uid = 0, int gid = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDir);
        var root = Path.GetFullPath(rootDir);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"The root file system {root} does not exist.");
        foreach (var (path, kind, target) in Entries) Ensure(root, path.Split('/'), kind, target, uid, gid);
    }

    private static void Ensure(string root, string[] components, Kind kind, string? target, int uid, int gid)
    {
        var current = root;
        for (var i = 0; i < components.Length - 1; i++)
        {
            current = Path.Combine(current, components[i]);
            var exists = Posix.TryLStat(current, out var stat);
            if (exists && stat.IsDirectory) continue;
            if (exists) File.Delete(current); // a link, file or device where a directory belongs: only the entry itself goes
            CreateDirectory(current, uid, gid);
        }

        var full = Path.Combine(current, components[^1]);
        if (Posix.TryLStat(full, out var existing))
        {
            if (existing.IsDirectory || HasKind(full, existing, kind, target)) return; // moby keeps whatever directory is there
            File.Delete(full);
        }
        switch (kind)
        {
            case Kind.Directory:
                CreateDirectory(full, uid, gid);
                break;
            case Kind.File:
                using (new FileStream(full, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode }))
                {
                }
                Own(full, uid, gid);
                break;
            case Kind.Symlink:
                File.CreateSymbolicLink(full, target!);
                Own(full, uid, gid);
                break;
        }
    }

    private static bool HasKind(string path, Posix.FileStat stat, Kind kind, string? target) => kind switch
    {
        Kind.File => stat.IsRegularFile,
        Kind.Symlink => stat.IsSymbolicLink && new FileInfo(path).LinkTarget == target,
        _ => false,
    };

    private static void CreateDirectory(string path, int uid, int gid)
    {
        Directory.CreateDirectory(path, DirectoryMode);
        Own(path, uid, gid);
    }

    private static void Own(string path, int uid, int gid)
    {
        var stat = Posix.LStat(path);
        if (stat.Uid != unchecked((uint)uid) || stat.Gid != unchecked((uint)gid)) Posix.LChown(path, uid, gid);
    }
}
