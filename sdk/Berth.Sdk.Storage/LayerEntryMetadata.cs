using System.Formats.Tar;

namespace Berth.Sdk.Storage;

/// <summary>An entry's owner, mode and xattrs, set on what was just created for it.</summary>
internal static class LayerEntryMetadata
{
    public const uint PermissionBits = 0xFFF; // rwx for all three plus setuid, setgid, sticky

    public static void ApplyOwnerModeAndXattrs(TarEntry entry, string path)
    {
        Posix.LChown(path, entry.Uid, entry.Gid);
        // chmod after chown, which clears setuid/setgid; a symbolic link has no mode of its own.
        if (entry.EntryType != TarEntryType.SymbolicLink) Posix.Chmod(path, (uint)entry.Mode & PermissionBits);
        if (entry is PaxTarEntry pax) ApplyXattrs(pax, path);
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
}
