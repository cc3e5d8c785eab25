using System.Runtime.InteropServices;

namespace Berth.Sdk.Testing;

/// <summary>What lstat tells about a path (through statx(2), whose struct layout is the same on every architecture).</summary>
public readonly record struct FileStatus(
    uint Mode,
    long Uid,
    long Gid,
    long Size,
    long Links,
    ulong Inode,
    uint DeviceMajor,
    uint DeviceMinor,
    uint RdevMajor,
    uint RdevMinor)
{
    private const uint TypeMask = 0xF000;

    /// <summary>The permission bits including setuid, setgid and sticky (<c>07777</c>).</summary>
    public int Permissions => (int)(Mode & 0xFFF);

    public TreeEntryType Type => (Mode & TypeMask) switch
    {
        0x8000 => TreeEntryType.File,
        0x4000 => TreeEntryType.Directory,
        0xA000 => TreeEntryType.Symlink,
        0x2000 => TreeEntryType.CharDevice,
        0x6000 => TreeEntryType.BlockDevice,
        0x1000 => TreeEntryType.Fifo,
        0xC000 => TreeEntryType.Socket,
        _ => TreeEntryType.Unknown,
    };

    /// <summary>lstat: does not follow a final symlink. Throws <see cref="FileNotFoundException"/> when nothing is there.</summary>
    public static unsafe FileStatus Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var buffer = stackalloc byte[256];
        if (LibC.Statx(LibC.AtFdCwd, path, LibC.AtSymlinkNoFollow, LibC.StatxBasicStats, buffer) != 0)
            throw new FileNotFoundException($"statx {path}: {LibC.LastError()}", path);
        var b = new ReadOnlySpan<byte>(buffer, 256);
        return new FileStatus(
            Mode: MemoryMarshal.Read<ushort>(b[28..]),
            Uid: MemoryMarshal.Read<uint>(b[20..]),
            Gid: MemoryMarshal.Read<uint>(b[24..]),
            Size: (long)MemoryMarshal.Read<ulong>(b[40..]),
            Links: MemoryMarshal.Read<uint>(b[16..]),
            Inode: MemoryMarshal.Read<ulong>(b[32..]),
            DeviceMajor: MemoryMarshal.Read<uint>(b[136..]),
            DeviceMinor: MemoryMarshal.Read<uint>(b[140..]),
            RdevMajor: MemoryMarshal.Read<uint>(b[128..]),
            RdevMinor: MemoryMarshal.Read<uint>(b[132..]));
    }

    /// <summary>lstat that answers null when nothing is at <paramref name="path"/>.</summary>
    public static FileStatus? TryOf(string path)
    {
        try
        {
            return Of(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
