using System.Runtime.InteropServices;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>The two libc calls the spec builder needs that .NET does not expose: getrlimit and statx (for st_rdev).</summary>
internal static unsafe partial class SpecNative
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, RLimit* limit);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);

    /// <summary>The hard limit of <paramref name="resource"/> (RLIMIT_* number); null when getrlimit fails.</summary>
    public static ulong? HardLimit(int resource)
    {
        RLimit limit;
        return GetRLimit(resource, &limit) == 0 ? limit.Maximum : null;
    }

    /// <summary>stat(2) (or lstat when <paramref name="followSymlinks"/> is false) reduced to what device handling needs.</summary>
    /// <exception cref="IOException">The call failed; the message is the errno text as Go prints it ("no such file or directory").</exception>
    public static FileStatus Stat(string path, bool followSymlinks)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, followSymlinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
            throw new IOException(ErrnoText(Marshal.GetLastPInvokeError()));
        // struct statx: uid @20, gid @24, mode @28 (u16), rdev_major @128, rdev_minor @132 — the same on every architecture.
        return new FileStatus(
            *(ushort*)(buffer + 28),
            *(uint*)(buffer + 20),
            *(uint*)(buffer + 24),
            *(uint*)(buffer + 128),
            *(uint*)(buffer + 132));
    }

    /// <summary>errno as Go's syscall.Errno prints it: strerror, first letter lower-cased.</summary>
    public static string ErrnoText(int errno)
    {
        var text = Marshal.GetPInvokeErrorMessage(errno);
        return text.Length > 0 ? char.ToLowerInvariant(text[0]) + text[1..] : $"errno {errno}";
    }
}

/// <summary>The parts of a stat result the spec builder uses.</summary>
internal readonly record struct FileStatus(ushort Mode, uint Uid, uint Gid, uint RdevMajor, uint RdevMinor)
{
    private const int TypeMask = 0xF000;

    public bool IsBlockDevice => (Mode & TypeMask) == 0x6000;
    public bool IsCharDevice => (Mode & TypeMask) == 0x2000;
    public bool IsFifo => (Mode & TypeMask) == 0x1000;
    public bool IsDirectory => (Mode & TypeMask) == 0x4000;
    public int Permissions => Mode & 0xFFF;
}
