namespace Berth.Sdk.Storage;

/// <summary>The OCI/AUFS whiteout names of layer tars and their overlayfs counterparts.</summary>
internal static class Whiteouts
{
    /// <summary><c>.wh.&lt;name&gt;</c>: the layer deletes <c>&lt;name&gt;</c>.</summary>
    public const string Prefix = ".wh.";

    /// <summary><c>.wh..wh.*</c>: AUFS metadata, except the opaque marker.</summary>
    public const string MetaPrefix = ".wh..wh.";

    /// <summary>In directory D: D hides everything the layers below hold in it.</summary>
    public const string OpaqueMarker = ".wh..wh..opq";

    public const string OverlayOpaqueXattr = "trusted.overlay.opaque";
    public const string OverlayXattrPrefix = "trusted.overlay.";

    /// <summary>overlayfs' whiteout: a character device 0/0.</summary>
    public static bool IsOverlayWhiteout(in Posix.FileStat stat) => stat.IsCharacterDevice && stat.RDevice == 0;

    public static bool IsOverlayOpaque(string directory) => Posix.LGetXattr(directory, OverlayOpaqueXattr) is [(byte)'y'];
}
