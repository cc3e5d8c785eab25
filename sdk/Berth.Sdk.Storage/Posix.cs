using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Berth.Sdk.Storage;

/// <summary>
/// The file-system calls .NET does not expose (lstat with owners and devices, mknod, lchown, xattrs, utimensat,
/// mount), as a thin seam over libc. Every failure is an <see cref="IOException"/> whose message carries the
/// strerror text and the path, and whose <see cref="Exception.HResult"/> is the errno.
/// </summary>
public static partial class Posix
{
    public const ulong MsRdOnly = 1;
    public const ulong MsBind = 4096;
    public const ulong MsRec = 16384;

    /// <summary>What lstat(2) says about a path (the link itself for a symbolic link).</summary>
    public readonly record struct FileStat(
        ulong Device, ulong Inode, uint Mode, uint Uid, uint Gid, ulong RDevice, long Size, long MtimeSeconds, long MtimeNanos, ulong LinkCount)
    {
        public uint FileType => Mode & FileTypes.Mask;
        public bool IsDirectory => FileType == FileTypes.Directory;
        public bool IsRegularFile => FileType == FileTypes.Regular;
        public bool IsSymbolicLink => FileType == FileTypes.SymbolicLink;
        public bool IsCharacterDevice => FileType == FileTypes.CharacterDevice;
    }

    public static FileStat LStat(string path)
    {
        if (TryStatx(path, out var stat, out var errno)) return stat;
        throw Errno.ToException("lstat", path, errno);
    }

    /// <summary>False when nothing is at <paramref name="path"/> (ENOENT, ENOTDIR); other failures throw.</summary>
    public static bool TryLStat(string path, out FileStat stat)
    {
        if (TryStatx(path, out stat, out var errno)) return true;
        if (errno is Errno.ENOENT or Errno.ENOTDIR) return false;
        throw Errno.ToException("lstat", path, errno);
    }

    public static void MkNod(string path, uint mode, ulong dev) => Check(Native.MkNod(path, mode, dev), "mknod", path);

    /// <summary>glibc's makedev encoding.</summary>
    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);

    public static uint Major(ulong dev) => (uint)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff));

    public static uint Minor(ulong dev) => (uint)(((dev >> 12) & 0xffffff00) | (dev & 0xff));

    public static void LChown(string path, int uid, int gid) => Check(Native.LChown(path, unchecked((uint)uid), unchecked((uint)gid)), "lchown", path);

    public static void LSetXattr(string path, string name, ReadOnlySpan<byte> value) =>
        Check(Native.LSetXattr(path, name, value, (nuint)value.Length, 0), $"lsetxattr {name}", path);

    /// <summary>The value of an extended attribute, or null when the file has none by that name (or the file system has no xattrs).</summary>
    public static byte[]? LGetXattr(string path, string name)
    {
        while (true)
        {
            var size = Native.LGetXattr(path, name, [], 0);
            if (size < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno is Errno.ENODATA or Errno.ENOTSUP) return null;
                throw Errno.ToException($"lgetxattr {name}", path, errno);
            }
            if (size == 0) return [];
            var value = new byte[size];
            var read = Native.LGetXattr(path, name, value, (nuint)value.Length);
            if (read >= 0) return read == value.Length ? value : value[..(int)read];
            var retry = Marshal.GetLastPInvokeError();
            if (retry != Errno.ERANGE) throw Errno.ToException($"lgetxattr {name}", path, retry); // ERANGE: it grew meanwhile
        }
    }

    /// <summary>The names of the extended attributes of a file (empty when the file system has none).</summary>
    public static IReadOnlyList<string> LListXattr(string path)
    {
        while (true)
        {
            var size = Native.LListXattr(path, [], 0);
            if (size < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.ENOTSUP) return [];
                throw Errno.ToException("llistxattr", path, errno);
            }
            if (size == 0) return [];
            var list = new byte[size];
            var read = Native.LListXattr(path, list, (nuint)list.Length);
            if (read >= 0) return SplitNames(list.AsSpan(0, (int)read));
            var retry = Marshal.GetLastPInvokeError();
            if (retry != Errno.ERANGE) throw Errno.ToException("llistxattr", path, retry);
        }
    }

    /// <summary>utimensat(2) with AT_SYMLINK_NOFOLLOW: sets the times of a symbolic link itself, never its target.</summary>
    public static void SetTimesNoFollow(string path, DateTimeOffset atime, DateTimeOffset mtime)
    {
        Span<long> times = [.. ToTimespec(atime), .. ToTimespec(mtime)];
        Check(Native.UtimensAt(Native.AtFdCwd, path, times, Native.AtSymlinkNoFollow), "utimensat", path);
    }

    public static void Mount(string source, string target, string fsType, ulong flags, string? data) =>
        Check(Native.Mount(source, target, fsType, (nuint)flags, data), $"mount {fsType} {source}", target);

    public static void Unmount(string target, bool detach) => Check(Native.Umount2(target, detach ? Native.MntDetach : 0), "umount", target);

    /// <summary>chmod(2), which follows symbolic links: callers never pass one.</summary>
    internal static void Chmod(string path, uint mode) => Check(Native.Chmod(path, mode), "chmod", path);

    internal static void Link(string existing, string newPath) => Check(Native.Link(existing, newPath), $"link {existing}", newPath);

    /// <summary>
    /// Opens a file to read it, never through a symbolic link, without .NET's FileShare emulation: that takes an
    /// flock, and fails on a file a container process holds locked (a database, dpkg) while its layer is exported.
    /// </summary>
    internal static SafeFileHandle OpenForReading(string path)
    {
        var noFollow = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;
        var fd = Native.Open(path, Native.OpenReadOnly | Native.OpenCloseOnExec | noFollow);
        if (fd < 0) throw Errno.ToException("open", path, Marshal.GetLastPInvokeError());
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Reserves disk blocks for a file about to be written; file systems without fallocate are left alone.</summary>
    internal static void Preallocate(SafeFileHandle file, long length, string path)
    {
        if (Native.Fallocate(file, 0, 0, length) == 0) return;
        var errno = Marshal.GetLastPInvokeError();
        if (errno is Errno.ENOTSUP or Errno.ENOSYS) return;
        throw Errno.ToException("fallocate", path, errno);
    }

    private static void Check(int result, string operation, string path)
    {
        if (result != 0) throw Errno.ToException(operation, path, Marshal.GetLastPInvokeError());
    }

    private static long[] ToTimespec(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }
        return [seconds, remainder * 100];
    }

    private static string[] SplitNames(ReadOnlySpan<byte> list)
    {
        var names = new List<string>();
        while (!list.IsEmpty)
        {
            var end = list.IndexOf((byte)0);
            if (end < 0) end = list.Length;
            if (end > 0) names.Add(Encoding.UTF8.GetString(list[..end]));
            list = list[Math.Min(end + 1, list.Length)..];
        }
        return [.. names];
    }

    private static bool TryStatx(string path, out FileStat stat, out int errno)
    {
        Span<byte> buffer = stackalloc byte[Native.StatxSize];
        if (Native.Statx(Native.AtFdCwd, path, Native.AtSymlinkNoFollow, Native.StatxBasicStats, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            stat = default;
            return false;
        }
        errno = 0;
        stat = Native.ReadStatx(buffer);
        return true;
    }

    /// <summary>The S_IFMT values of st_mode.</summary>
    internal static class FileTypes
    {
        public const uint Mask = 0xF000;
        public const uint Socket = 0xC000;
        public const uint SymbolicLink = 0xA000;
        public const uint Regular = 0x8000;
        public const uint BlockDevice = 0x6000;
        public const uint Directory = 0x4000;
        public const uint CharacterDevice = 0x2000;
        public const uint Fifo = 0x1000;
    }
}
