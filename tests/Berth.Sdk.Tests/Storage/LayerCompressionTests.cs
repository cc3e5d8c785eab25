using System.Runtime.Versioning;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Tests.Storage;

[SupportedOSPlatform("linux")]
public class LayerCompressionTests
{
    private static readonly byte[] Tar = new TestTar().File("hello", "world").ToArray();

    [Test]
    public void Detect_Magics_AreRecognised()
    {
        Assert.Multiple(() =>
        {
            Assert.That(LayerCompression.Detect([0x1f, 0x8b, 0x08]), Is.EqualTo(LayerCompressionKind.Gzip));
            Assert.That(LayerCompression.Detect([0x28, 0xb5, 0x2f, 0xfd]), Is.EqualTo(LayerCompressionKind.Zstd));
            Assert.That(LayerCompression.Detect(Tar), Is.EqualTo(LayerCompressionKind.None));
            Assert.That(LayerCompression.Detect([0x1f]), Is.EqualTo(LayerCompressionKind.None));
            Assert.That(LayerCompression.Detect([]), Is.EqualTo(LayerCompressionKind.None));
        });
    }

    [TestCase(LayerCompressionKind.None)]
    [TestCase(LayerCompressionKind.Gzip)]
    [TestCase(LayerCompressionKind.Zstd)]
    public async Task OpenDecompressedAsync_ForwardOnlyStream_GivesThePlainTar(LayerCompressionKind kind)
    {
        var blob = kind switch
        {
            LayerCompressionKind.Gzip => TestTar.Gzip(Tar),
            LayerCompressionKind.Zstd => TestTar.Zstd(Tar),
            _ => Tar,
        };
        var raw = new NonSeekableStream(blob);

        await using var plain = await LayerCompression.OpenDecompressedAsync(raw, CancellationToken.None);
        var copy = new MemoryStream();
        await plain.CopyToAsync(copy);

        Assert.That(copy.ToArray(), Is.EqualTo(Tar));
    }

    [Test]
    public async Task OpenDecompressedAsync_TinyStream_IsPassedThrough()
    {
        await using var plain = await LayerCompression.OpenDecompressedAsync(new MemoryStream([0x1f]), CancellationToken.None);
        var copy = new MemoryStream();
        await plain.CopyToAsync(copy);

        Assert.That(copy.ToArray(), Is.EqualTo(new byte[] { 0x1f }));
    }

    [Test]
    public async Task OpenDecompressedAsync_DisposingTheResult_LeavesTheRawStreamOpen()
    {
        var raw = new MemoryStream(TestTar.Gzip(Tar));

        var plain = await LayerCompression.OpenDecompressedAsync(raw, CancellationToken.None);
        await plain.DisposeAsync();

        Assert.That(raw.CanRead);
    }
}
