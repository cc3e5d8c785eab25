using System.Buffers;
using System.Formats.Tar;
using Microsoft.Win32.SafeHandles;

namespace Berth.Sdk.Storage;

/// <summary>
/// Writes the entries of one layer tar under a root, as Moby's archive.Unpack does: every name checked lexically
/// (<see cref="LayerEntryPath"/>) and on disk (<see cref="LayerRootGuard"/>), whiteouts handed to
/// <see cref="LayerWhiteouts"/>, an existing path replaced unless it is a directory meeting a directory, directory
/// times set last (<see cref="Finish"/>).
/// </summary>
internal sealed class LayerUnpacker : IDisposable
{
    private const int CopyBufferSize = 1 << 20;

    private readonly LayerRootGuard guard;
    private readonly LayerWhiteouts whiteouts;
    private readonly HashSet<string>? unpacked; // Delete format: what this tar brought, kept by opaque directories
    private readonly List<(string Relative, DateTimeOffset Time)> directoryTimes = [];
    private readonly byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);

    public LayerUnpacker(string root, WhiteoutFormat whiteouts)
    {
        unpacked = whiteouts == WhiteoutFormat.Delete ? new HashSet<string>(StringComparer.Ordinal) : null;
        guard = new LayerRootGuard(root, unpacked is null ? null : created => unpacked.Add(created));
        this.whiteouts = new LayerWhiteouts(guard, whiteouts, unpacked);
    }

    public async Task ApplyAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        if (entry.EntryType == TarEntryType.GlobalExtendedAttributes) return;
        var name = LayerEntryPath.Clean(entry.Name) ?? throw LayerEntryErrors.Refused(entry.Name, "path escapes the layer root");
        if (name.Length == 0)
        {
            if (entry.EntryType == TarEntryType.Directory) return; // "./": the root is the caller's, as in Docker
            throw LayerEntryErrors.Refused(entry.Name, "it names the layer root");
        }
        var parent = LayerEntryPath.Parent(name);
        var baseName = LayerEntryPath.BaseName(name);
        if (baseName == Whiteouts.OpaqueMarker)
        {
            whiteouts.ApplyOpaqueMarker(entry, parent);
            return;
        }
        if (baseName.StartsWith(Whiteouts.MetaPrefix, StringComparison.Ordinal) || name.StartsWith(Whiteouts.MetaPrefix, StringComparison.Ordinal))
        {
            return; // AUFS metadata
        }
        if (baseName.StartsWith(Whiteouts.Prefix, StringComparison.Ordinal))
        {
            whiteouts.ApplyWhiteout(entry, parent, baseName[Whiteouts.Prefix.Length..]);
            return;
        }

        guard.ResolveDirectory(parent, create: true, entry.Name);
        var path = guard.FullPath(name);
        unpacked?.Add(name);
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                MakeDirectory(name, path);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                guard.Clear(path);
                await WriteFileAsync(entry, path, cancellationToken).ConfigureAwait(false);
                break;
            case TarEntryType.SymbolicLink:
                MakeSymbolicLink(entry, parent, path);
                break;
            case TarEntryType.HardLink:
                MakeHardLink(entry, name, path);
                return; // the inode already has its owner, mode and times
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                MakeNode(entry, path);
                break;
            default:
                throw LayerEntryErrors.Refused(entry.Name, $"unsupported entry type {entry.EntryType}");
        }
        ApplyMetadata(entry, name, path);
    }

    /// <summary>Sets the directories' times, which the entries written inside them changed.</summary>
    public void Finish()
    {
        foreach (var (relative, time) in directoryTimes)
        {
            if (guard.IsDirectory(relative)) Posix.SetTimesNoFollow(guard.FullPath(relative), time, time);
        }
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(buffer);

    private void MakeDirectory(string name, string path)
    {
        if (Posix.TryLStat(path, out var existing) && existing.IsDirectory)
        {
            guard.MarkDirectory(name); // directory over directory: kept, metadata updated
            return;
        }
        guard.Clear(path);
        Directory.CreateDirectory(path);
        guard.MarkDirectory(name);
    }

    private async Task WriteFileAsync(TarEntry entry, string path, CancellationToken cancellationToken)
    {
        var length = entry.Length;
        using var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        if (length == 0) return;
        if (length > buffer.Length) Posix.Preallocate(file, length, path);
        var data = entry.DataStream ?? throw LayerEntryErrors.UnexpectedEof();
        for (long offset = 0; offset < length;)
        {
            var chunk = buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - offset));
            await data.ReadExactlyAsync(chunk, cancellationToken).ConfigureAwait(false);
            WriteAt(file, chunk.Span, offset);
            offset += chunk.Length;
        }
    }

    /// <summary>
    /// A write to a local file is a synchronous syscall on Linux: RandomAccess.WriteAsync on a file handle only queues
    /// the same pwrite to another thread-pool thread, a hop per file that costs more than most layer files' writes.
    /// </summary>
    private static void WriteAt(SafeFileHandle file, ReadOnlySpan<byte> data, long offset) => RandomAccess.Write(file, data, offset);

    private void MakeSymbolicLink(TarEntry entry, string parent, string path)
    {
        var target = entry.LinkName;
        if (string.IsNullOrEmpty(target)) throw LayerEntryErrors.Refused(entry.Name, "symbolic link without a target");
        // Absolute targets resolve inside the container (/bin/busybox); relative ones must stay under the root.
        if (!target.StartsWith('/') && LayerEntryPath.ClimbsOut(parent, target))
        {
            throw LayerEntryErrors.Refused(entry.Name, $"symbolic link target \"{target}\" escapes the layer root");
        }
        guard.Clear(path);
        File.CreateSymbolicLink(path, target);
    }

    private void MakeHardLink(TarEntry entry, string name, string path)
    {
        if (string.IsNullOrEmpty(entry.LinkName)) throw LayerEntryErrors.Refused(entry.Name, "hard link without a target");
        var target = LayerEntryPath.Clean(entry.LinkName);
        if (string.IsNullOrEmpty(target)) throw LayerEntryErrors.Refused(entry.Name, $"hard link target \"{entry.LinkName}\" escapes the layer root");
        if (target == name) throw LayerEntryErrors.Refused(entry.Name, "hard link to itself");
        guard.Clear(path);
        var targetPath = guard.FullPath(target);
        if (guard.ResolveDirectory(LayerEntryPath.Parent(target), create: false, entry.Name) is null || !Posix.TryLStat(targetPath, out var existing))
        {
            throw LayerEntryErrors.Refused(entry.Name, $"hard link target \"{entry.LinkName}\" does not exist in the layer");
        }
        if (existing.IsDirectory) throw LayerEntryErrors.Refused(entry.Name, $"hard link target \"{entry.LinkName}\" is a directory");
        Posix.Link(targetPath, path);
    }

    private void MakeNode(TarEntry entry, string path)
    {
        var (type, device) = entry.EntryType switch
        {
            TarEntryType.CharacterDevice => (Posix.FileTypes.CharacterDevice, DeviceOf(entry)),
            TarEntryType.BlockDevice => (Posix.FileTypes.BlockDevice, DeviceOf(entry)),
            _ => (Posix.FileTypes.Fifo, 0UL),
        };
        guard.Clear(path);
        Posix.MkNod(path, type | ((uint)entry.Mode & LayerEntryMetadata.PermissionBits), device);
    }

    private static ulong DeviceOf(TarEntry entry) =>
        entry is PosixTarEntry posix ? Posix.MakeDev((uint)posix.DeviceMajor, (uint)posix.DeviceMinor) : 0;

    private void ApplyMetadata(TarEntry entry, string name, string path)
    {
        LayerEntryMetadata.ApplyOwnerModeAndXattrs(entry, path);
        if (entry.EntryType == TarEntryType.Directory) directoryTimes.Add((name, entry.ModificationTime));
        else Posix.SetTimesNoFollow(path, entry.ModificationTime, entry.ModificationTime);
    }
}
