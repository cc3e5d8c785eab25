using System.Runtime.Versioning;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Tests.Storage;

/// <summary>Shorthands for applying test tars.</summary>
[SupportedOSPlatform("linux")]
internal static class LayerApply
{
    public static Task<LayerDigest> ApplyAsync(byte[] tar, string root, WhiteoutFormat whiteouts = WhiteoutFormat.Overlay) =>
        LayerTarApplier.ApplyAsync(new MemoryStream(tar), root, whiteouts, CancellationToken.None);

    public static BerthException Refused(byte[] tar, string root, WhiteoutFormat whiteouts = WhiteoutFormat.Overlay) =>
        Assert.ThrowsAsync<BerthException>(() => ApplyAsync(tar, root, whiteouts))!;
}
