using System.Buffers;
using System.Formats.Tar;
using Microsoft.Win32.SafeHandles;

namespace Berth.Sdk.Storage;

/// <summary>
/// Writes the entries of one layer tar under a root, as Moby's archive.Unpack does: every name checked lexically
/// (<see cref="LayerEntryPath"/>) and on disk (<see cref="LayerRootGuard"/>), whiteouts turned into the
/// <see cref="WhiteoutFormat"/> asked for, directory times set last (<see cref="Finish"/>).
/// </summary>
internal sealed class LayerUnpacker : IDisposable
{
    private const int CopyBufferSize = 1 << 20;
    private const uint PermissionBits = 0xFFF; // rwx for all three plus setuid, setgid, sticky

    private readonly WhiteoutFormat whiteouts;
    private readonly LayerRootGuard guard;
    private readonly HashSet<string>? unpacked; // Delete format: what this tar brought, kept by opaque directories
    private readonly List<(string Relative, DateTimeOffset Time)> directoryTimes = [];
    private readonly byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);

    public LayerUnpacker(string root, WhiteoutFormat whiteouts)
    {
        this.whiteouts = whiteouts;
        unpacked = whiteouts == WhiteoutFormat.Delete ? new HashSet<string>(StringComparer.Ordinal) : null;
        guard = new LayerRootGuard(root, unpacked is null ? null : created => unpacked.Add(created));
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
            ApplyOpaqueMarker(entry, parent);
            return;
        }
        if (baseName.StartsWith(Whiteouts.MetaPrefix, StringComparison.Ordinal) || name.StartsWith(Whiteouts.MetaPrefix, StringComparison.Ordinal))
        {
            return; // AUFS metadata
        }
        if (baseName.StartsWith(Whiteouts.Prefix, StringComparison.Ordinal))
        {
            ApplyWhiteout(entry, parent, baseName[Whiteouts.Prefix.Length..]);
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
                Replace(path);
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
        Replace(path);
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
        Replace(path);
        File.CreateSymbolicLink(path, target);
    }

    private void MakeHardLink(TarEntry entry, string name, string path)
    {
        var target = LayerEntryPath.Clean(entry.LinkName);
        if (string.IsNullOrEmpty(target)) throw LayerEntryErrors.Refused(entry.Name, $"hard link target \"{entry.LinkName}\" escapes the layer root");
        if (target == name) throw LayerEntryErrors.Refused(entry.Name, "hard link to itself");
        Replace(path);
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
        Replace(path);
        Posix.MkNod(path, type | ((uint)entry.Mode & PermissionBits), device);
    }

    private static ulong DeviceOf(TarEntry entry) =>
        entry is PosixTarEntry posix ? Posix.MakeDev((uint)posix.DeviceMajor, (uint)posix.DeviceMinor) : 0;

    private void ApplyMetadata(TarEntry entry, string name, string path)
    {
        Posix.LChown(path, entry.Uid, entry.Gid);
        if (entry.EntryType != TarEntryType.SymbolicLink) Posix.Chmod(path, (uint)entry.Mode & PermissionBits); // after chown, which clears setuid
        if (entry is PaxTarEntry pax) ApplyXattrs(pax, path);
        if (entry.EntryType == TarEntryType.Directory) directoryTimes.Add((name, entry.ModificationTime));
        else Posix.SetTimesNoFollow(path, entry.ModificationTime, entry.ModificationTime);
    }

    private static void ApplyXattrs(PaxTarEntry entry, string path)
    {
        foreach (var (name, value) in XattrRecords.Read(entry.ExtendedAttributes))
        {
            // overlayfs metadata comes from whiteout entries only, never from a layer's own xattrs.
            if (name.StartsWith(Whiteouts.OverlayXattrPrefix, StringComparison.Ordinal)) continue;
            try
            {
                Posix.LSetXattr(path, name, value);
            }
            catch (IOException ex) when (ex.HResult == Errno.ENOTSUP)
            {
                // The file system keeps no xattrs (of this namespace): Docker ignores this too.
            }
        }
    }

    private void ApplyOpaqueMarker(TarEntry entry, string directory)
    {
        var path = guard.ResolveDirectory(directory, create: true, entry.Name)!;
        if (whiteouts == WhiteoutFormat.Overlay) Posix.LSetXattr(path, Whiteouts.OverlayOpaqueXattr, "y"u8);
        else RemoveWhatThisTarDidNotBring(directory, path);
    }

    private void RemoveWhatThisTarDidNotBring(string relative, string path)
    {
        foreach (var child in DirectoryNames.Sorted(path))
        {
            var childRelative = LayerEntryPath.Join(relative, child);
            var childPath = $"{path}/{child}";
            if (!Posix.TryLStat(childPath, out var stat)) continue;
            if (unpacked!.Contains(childRelative))
            {
                if (stat.IsDirectory) RemoveWhatThisTarDidNotBring(childRelative, childPath);
                continue;
            }
            Remove(childPath, stat);
        }
    }

    private void ApplyWhiteout(TarEntry entry, string directory, string deleted)
    {
        if (deleted is "." or ".." || deleted.Length == 0) throw LayerEntryErrors.Refused(entry.Name, "whiteout of an invalid name");
        var parent = guard.ResolveDirectory(directory, create: whiteouts == WhiteoutFormat.Overlay, entry.Name);
        if (parent is null) return; // Delete: nothing there to delete
        var path = guard.FullPath(LayerEntryPath.Join(directory, deleted));
        Replace(path);
        if (whiteouts == WhiteoutFormat.Delete) return;
        Posix.MkNod(path, Posix.FileTypes.CharacterDevice, 0);
        Posix.LChown(path, entry.Uid, entry.Gid);
        Posix.SetTimesNoFollow(path, entry.ModificationTime, entry.ModificationTime);
    }

    /// <summary>Removes whatever is at <paramref name="path"/> (a directory with all it holds), never following a link.</summary>
    private void Replace(string path)
    {
        if (Posix.TryLStat(path, out var existing)) Remove(path, existing);
    }

    private void Remove(string path, in Posix.FileStat stat)
    {
        if (stat.IsDirectory)
        {
            Directory.Delete(path, recursive: true);
            guard.Forget();
        }
        else
        {
            File.Delete(path);
        }
    }
}
