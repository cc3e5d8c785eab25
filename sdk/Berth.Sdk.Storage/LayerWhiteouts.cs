using System.Formats.Tar;

namespace Berth.Sdk.Storage;

/// <summary>
/// Applies the whiteout entries of a layer tar in the format asked for. <see cref="WhiteoutFormat.Overlay"/>: a 0/0
/// character device per deleted name, <c>trusted.overlay.opaque=y</c> on opaque directories.
/// <see cref="WhiteoutFormat.Delete"/>: the deleted name is removed, an opaque directory loses every child this tar
/// did not bring (<paramref name="unpacked"/>).
/// </summary>
internal sealed class LayerWhiteouts(LayerRootGuard guard, WhiteoutFormat format, HashSet<string>? unpacked)
{
    /// <summary><c>&lt;directory&gt;/.wh..wh..opq</c>.</summary>
    public void ApplyOpaqueMarker(TarEntry entry, string directory)
    {
        var path = guard.ResolveDirectory(directory, create: true, entry.Name)!;
        if (format == WhiteoutFormat.Overlay) Posix.LSetXattr(path, Whiteouts.OverlayOpaqueXattr, "y"u8);
        else RemoveWhatThisTarDidNotBring(directory, path);
    }

    /// <summary><c>&lt;directory&gt;/.wh.&lt;deleted&gt;</c>.</summary>
    public void ApplyWhiteout(TarEntry entry, string directory, string deleted)
    {
        if (deleted is "" or "." or "..") throw LayerEntryErrors.Refused(entry.Name, "whiteout of an invalid name");
        var parent = guard.ResolveDirectory(directory, create: format == WhiteoutFormat.Overlay, entry.Name);
        if (parent is null) return; // Delete: nothing there to delete
        var path = guard.FullPath(LayerEntryPath.Join(directory, deleted));
        guard.Clear(path);
        if (format == WhiteoutFormat.Delete) return;
        Posix.MkNod(path, Posix.FileTypes.CharacterDevice, 0);
        Posix.LChown(path, entry.Uid, entry.Gid);
        Posix.SetTimesNoFollow(path, entry.ModificationTime, entry.ModificationTime);
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
            guard.Remove(childPath, stat);
        }
    }
}
