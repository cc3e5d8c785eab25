namespace Berth.Sdk.Storage;

/// <summary>How the whiteouts of a layer tar (<c>.wh.&lt;name&gt;</c>, <c>.wh..wh..opq</c>) live on disk.</summary>
public enum WhiteoutFormat
{
    /// <summary>As overlayfs reads them: a 0/0 character device per deleted name, <c>trusted.overlay.opaque=y</c> on opaque directories.</summary>
    Overlay,

    /// <summary>Applied to a full copy of the parent: deleted names are removed, opaque directories emptied of what the layer did not bring.</summary>
    Delete,
}
