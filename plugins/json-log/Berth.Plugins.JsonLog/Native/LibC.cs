using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Berth.Plugins.JsonLog.Native;

/// <summary>
/// The libc call .NET does not expose: statx, whose layout is the same on every architecture, for a file's identity.
/// </summary>
internal static class LibC
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxSize = 256;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    /// <summary>Device and inode of <paramref name="path"/>; null when it does not exist.</summary>
    public static FileIdentity? Identity(string path) => Identity(AtFdCwd, path, 0);

    /// <summary>Device and inode of an open file.</summary>
    public static FileIdentity? Identity(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return Identity((int)handle.DangerousGetHandle(), "", AtEmptyPath);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static FileIdentity? Identity(int dirFd, string path, int flags)
    {
        var buffer = new byte[StatxSize];
        if (Statx(dirFd, path, flags, StatxBasicStats, buffer) != 0) return null;
        var span = buffer.AsSpan();
        return new FileIdentity(
            BinaryPrimitives.ReadUInt32LittleEndian(span[136..]),
            BinaryPrimitives.ReadUInt32LittleEndian(span[140..]),
            BinaryPrimitives.ReadUInt64LittleEndian(span[32..]));
    }
}

/// <summary>Which file a path or handle is: a rename keeps it, a new file at the same path changes it.</summary>
internal readonly record struct FileIdentity(uint DeviceMajor, uint DeviceMinor, ulong Inode);
