using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Berth.Sdk.Storage;

public static partial class Posix
{
    /// <summary>
    /// The libc entry points. stat goes through statx(2), whose layout is the same on every architecture
    /// (struct stat differs between x86_64 and arm64).
    /// </summary>
    private static partial class Native
    {
        public const int AtFdCwd = -100;
        public const int AtSymlinkNoFollow = 0x100;
        public const uint StatxBasicStats = 0x7ff;
        public const int StatxSize = 256;
        public const int MntDetach = 2;
        public const int OpenReadOnly = 0;
        public const int OpenCloseOnExec = 0x80000;

        [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Statx(int dirFd, string path, int flags, uint mask, Span<byte> buffer);

        /// <summary>open(2) without the variadic mode argument (only valid without O_CREAT).</summary>
        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int MkNod(string path, uint mode, ulong dev);

        [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int LChown(string path, uint uid, uint gid);

        [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Chmod(string path, uint mode);

        [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Link(string existing, string newPath);

        [LibraryImport("libc", EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int LSetXattr(string path, string name, ReadOnlySpan<byte> value, nuint size, int flags);

        [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial nint LGetXattr(string path, string name, Span<byte> value, nuint size);

        [LibraryImport("libc", EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial nint LListXattr(string path, Span<byte> list, nuint size);

        [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int UtimensAt(int dirFd, string path, ReadOnlySpan<long> times, int flags);

        [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Mount(string source, string target, string fsType, nuint flags, string? data);

        [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Umount2(string target, int flags);

        [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
        public static partial int Fallocate(SafeFileHandle fd, int mode, long offset, long length);

        /// <summary>Decodes struct statx (linux/stat.h): little-endian fields at fixed offsets.</summary>
        public static FileStat ReadStatx(ReadOnlySpan<byte> b) => new(
            Device: MakeDev(U32(b, 136), U32(b, 140)),
            Inode: BinaryPrimitives.ReadUInt64LittleEndian(b[32..]),
            Mode: BinaryPrimitives.ReadUInt16LittleEndian(b[28..]),
            Uid: U32(b, 20),
            Gid: U32(b, 24),
            RDevice: MakeDev(U32(b, 128), U32(b, 132)),
            Size: BinaryPrimitives.ReadInt64LittleEndian(b[40..]),
            MtimeSeconds: BinaryPrimitives.ReadInt64LittleEndian(b[112..]),
            MtimeNanos: U32(b, 120),
            LinkCount: U32(b, 16));

        private static uint U32(ReadOnlySpan<byte> b, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(b[offset..]);
    }
}
