namespace Berth.Sdk.Storage;

/// <summary>The 400s of a layer tar that cannot be applied, worded alike.</summary>
internal static class LayerEntryErrors
{
    public static BerthException Refused(string entryName, string reason) => BerthException.Invalid($"invalid tar entry \"{entryName}\": {reason}");

    public static BerthException UnexpectedEof(Exception? inner = null) =>
        new(BerthErrorKind.InvalidParameter, "invalid layer: unexpected EOF in the tar stream", inner);

    public static BerthException InvalidHeader(string detail, Exception? inner = null) =>
        new(BerthErrorKind.InvalidParameter, $"invalid layer: invalid tar header: {detail}", inner);

    public static BerthException NoSpace(IOException inner) => new($"applying layer: no space left on device ({inner.Message})", inner);
}
