namespace Berth.Sdk.Storage;

public enum LayerCompressionKind
{
    None,
    Gzip,
    Zstd,
}
