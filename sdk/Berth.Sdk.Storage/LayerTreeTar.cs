namespace Berth.Sdk.Storage;

/// <summary>
/// Turns the files of a tree into tar entries as Moby's archive.TarWithOptions does: owner, mode, whole-second mtime,
/// xattrs (except overlayfs' own and SELinux labels, which belong to the host), the second and later names of an
/// inode as hard links, sockets skipped, and in <see cref="WhiteoutFormat.Overlay"/> overlayfs whiteouts converted.
/// </summary>
internal sealed class LayerTreeTar(PaxTarOutput tar, WhiteoutFormat whiteouts)
{
    private const string CapabilityXattr = "security.capability";
    private const string SelinuxXattr = "security.selinux";

    private readonly Dictionary<(ulong Device, ulong Inode), string> firstNames = [];

    /// <summary>Writes <paramref name="path"/> itself as <paramref name="entry"/>, then (for a directory) what it holds below it.</summary>
    public async Task WriteTreeAsync(string path, string entry, CancellationToken cancellationToken)
    {
        var stat = await WriteEntryAsync(path, entry, cancellationToken).ConfigureAwait(false);
        if (stat.IsDirectory) await WriteChildrenAsync(path, entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="path"/> alone as <paramref name="entry"/> (a directory without what it holds); returns its lstat.</summary>
    public async Task<Posix.FileStat> WriteEntryAsync(string path, string entry, CancellationToken cancellationToken)
    {
        var stat = Posix.LStat(path);
        var slash = entry.LastIndexOf('/');
        var parent = slash < 0 ? "" : entry[..slash];
        await WriteEntryAsync(path, parent, entry[(slash + 1)..], entry, stat, cancellationToken).ConfigureAwait(false);
        return stat;
    }

    /// <summary>
    /// Writes the whiteout of <paramref name="entry"/> (<c>.wh.&lt;name&gt;</c> beside it), owned by root and timed like
    /// <paramref name="directory"/>, the directory that held the deleted name.
    /// </summary>
    public async Task WriteDeletionAsync(string entry, string directory, CancellationToken cancellationToken)
    {
        var holder = Posix.LStat(directory);
        var slash = entry.LastIndexOf('/');
        var parent = slash < 0 ? "" : entry[..slash];
        var marker = Marker(LayerEntryPath.Join(parent, Whiteouts.Prefix + entry[(slash + 1)..]), holder, mode: 0) with { Uid = 0, Gid = 0 };
        await tar.WriteHeaderAsync(marker, cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteChildrenAsync(string directory, string relative, CancellationToken cancellationToken)
    {
        foreach (var name in DirectoryNames.Sorted(directory.Length == 0 ? "/" : directory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = $"{directory}/{name}";
            var entry = LayerEntryPath.Join(relative, name);
            var stat = Posix.LStat(path);
            await WriteEntryAsync(path, relative, name, entry, stat, cancellationToken).ConfigureAwait(false);
            if (stat.IsDirectory) await WriteChildrenAsync(path, entry, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteEntryAsync(string path, string parent, string name, string entry, Posix.FileStat stat, CancellationToken cancellationToken)
    {
        if (whiteouts == WhiteoutFormat.Overlay && Whiteouts.IsOverlayWhiteout(stat))
        {
            // overlayfs may hard-link all whiteouts to one inode: they are whiteouts, never hard links.
            await tar.WriteHeaderAsync(Marker(LayerEntryPath.Join(parent, Whiteouts.Prefix + name), stat, mode: 0x180), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (stat.FileType == Posix.FileTypes.Socket) return;
        if (!stat.IsDirectory && stat.LinkCount > 1)
        {
            if (firstNames.TryGetValue((stat.Device, stat.Inode), out var first))
            {
                var link = new TarHeaderFields
                {
                    Name = entry, TypeFlag = TarHeaderFields.HardLink, LinkName = first,
                    Mode = stat.Mode, Uid = stat.Uid, Gid = stat.Gid, MtimeSeconds = stat.MtimeSeconds,
                };
                await tar.WriteHeaderAsync(link, cancellationToken).ConfigureAwait(false);
                return;
            }
            firstNames[(stat.Device, stat.Inode)] = entry;
        }

        var fields = new TarHeaderFields
        {
            Name = stat.IsDirectory ? entry + "/" : entry,
            TypeFlag = TypeFlagOf(stat),
            Mode = stat.Mode,
            Uid = stat.Uid,
            Gid = stat.Gid,
            MtimeSeconds = stat.MtimeSeconds,
            Size = stat.IsRegularFile ? stat.Size : 0,
            LinkName = stat.IsSymbolicLink ? new FileInfo(path).LinkTarget ?? "" : "",
            DevMajor = stat.FileType is Posix.FileTypes.CharacterDevice or Posix.FileTypes.BlockDevice ? Posix.Major(stat.RDevice) : 0,
            DevMinor = stat.FileType is Posix.FileTypes.CharacterDevice or Posix.FileTypes.BlockDevice ? Posix.Minor(stat.RDevice) : 0,
            Records = XattrRecordsOf(path),
        };
        await tar.WriteHeaderAsync(fields, cancellationToken).ConfigureAwait(false);
        if (stat.IsRegularFile && stat.Size > 0)
        {
            using var file = Posix.OpenForReading(path);
            await tar.WriteFileDataAsync(file, stat.Size, path, cancellationToken).ConfigureAwait(false);
        }
        if (stat.IsDirectory && whiteouts == WhiteoutFormat.Overlay && Whiteouts.IsOverlayOpaque(path))
        {
            await tar.WriteHeaderAsync(Marker(LayerEntryPath.Join(entry, Whiteouts.OpaqueMarker), stat, stat.Mode & 0x1FF), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An empty regular file standing for a whiteout, owned like what it stands for.</summary>
    private static TarHeaderFields Marker(string name, in Posix.FileStat stat, uint mode) => new()
    {
        Name = name, TypeFlag = TarHeaderFields.RegularFile, Mode = mode, Uid = stat.Uid, Gid = stat.Gid, MtimeSeconds = stat.MtimeSeconds,
    };

    private static byte TypeFlagOf(in Posix.FileStat stat) => stat.FileType switch
    {
        Posix.FileTypes.Directory => TarHeaderFields.Directory,
        Posix.FileTypes.SymbolicLink => TarHeaderFields.SymbolicLink,
        Posix.FileTypes.CharacterDevice => TarHeaderFields.CharacterDevice,
        Posix.FileTypes.BlockDevice => TarHeaderFields.BlockDevice,
        Posix.FileTypes.Fifo => TarHeaderFields.Fifo,
        _ => TarHeaderFields.RegularFile,
    };

    private static List<(string Key, byte[] Value)> XattrRecordsOf(string path)
    {
        var records = new List<(string Key, byte[] Value)>();
        var names = Posix.LListXattr(path).Where(Exported).Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var value = Posix.LGetXattr(path, name);
            if (value is null) continue;
            if (name == CapabilityXattr) value = AsRevision2Capability(value);
            records.AddRange(XattrRecords.Write(name, value));
        }
        return records;
    }

    private static bool Exported(string name) =>
        !name.StartsWith(Whiteouts.OverlayXattrPrefix, StringComparison.Ordinal) && name != SelinuxXattr;

    /// <summary>
    /// A revision 3 file capability names the root uid of the user namespace it was set in, which means nothing
    /// elsewhere: Docker writes it as revision 2 (the first 20 bytes, version byte 2), and so do we.
    /// </summary>
    private static byte[] AsRevision2Capability(byte[] value)
    {
        const int Revision2Size = 20;
        if (value.Length <= Revision2Size || value[3] != 3) return value;
        var converted = value[..Revision2Size];
        converted[3] = 2;
        return converted;
    }
}
