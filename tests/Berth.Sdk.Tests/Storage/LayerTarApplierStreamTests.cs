using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Berth.Sdk.Storage;

namespace Berth.Sdk.Tests.Storage;

/// <summary>The stream side of applying: compression, digests, truncated and corrupt input, a full disk.</summary>
[SupportedOSPlatform("linux")]
public class LayerTarApplierStreamTests
{
    private LayerTestDirectory dir = null!;

    [SetUp]
    public void SetUp() => dir = new LayerTestDirectory();

    [TearDown]
    public void TearDown() => dir.Dispose();

    private static byte[] SampleTar() => new TestTar()
        .Directory("etc/")
        .File("etc/hostname", "berth")
        .File("data", new byte[5000])
        .Symlink("link", "etc/hostname")
        .ToArray();

    [TestCase(LayerCompressionKind.None)]
    [TestCase(LayerCompressionKind.Gzip)]
    [TestCase(LayerCompressionKind.Zstd)]
    public async Task ApplyAsync_AnyCompression_DigestIsSha256OfThePlainTar(LayerCompressionKind kind)
    {
        var tar = SampleTar();
        var blob = kind switch
        {
            LayerCompressionKind.Gzip => TestTar.Gzip(tar),
            LayerCompressionKind.Zstd => TestTar.Zstd(tar),
            _ => tar,
        };

        var digest = await LayerTarApplier.ApplyAsync(new NonSeekableStream(blob), dir.Root, WhiteoutFormat.Overlay, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(digest.DiffId, Is.EqualTo(TestTar.DiffIdOf(tar)));
            Assert.That(digest.Size, Is.EqualTo(tar.Length));
            Assert.That(File.ReadAllText(dir["etc/hostname"]), Is.EqualTo("berth"));
        });
    }

    [Test]
    public async Task ApplyAsync_PaddingAfterTheEndOfArchive_IsPartOfTheDigest()
    {
        var tar = SampleTar().Concat(new byte[10240]).ToArray();

        var digest = await LayerApply.ApplyAsync(tar, dir.Root);

        Assert.That((digest.DiffId, digest.Size), Is.EqualTo((TestTar.DiffIdOf(tar), (long)tar.Length)));
    }

    [Test]
    public async Task ApplyAsync_TarWithoutEndBlocks_IsAccepted()
    {
        var tar = SampleTar();
        var cut = tar[..^1024];

        var digest = await LayerApply.ApplyAsync(cut, dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(digest.DiffId, Is.EqualTo(TestTar.DiffIdOf(cut)));
            Assert.That(File.Exists(dir["data"]));
        });
    }

    [Test]
    public async Task ApplyAsync_StreamEndingAfterAGlobalHeader_IsAccepted()
    {
        var tar = new TestTar().File("a", "a").GlobalHeader().ToArray()[..^1024];

        var digest = await LayerApply.ApplyAsync(tar, dir.Root);

        Assert.That(digest.Size, Is.EqualTo(tar.Length));
    }

    [Test]
    public async Task ApplyAsync_EmptyStream_IsAnEmptyLayer()
    {
        var digest = await LayerApply.ApplyAsync([], dir.Root);

        Assert.That(digest, Is.EqualTo(new LayerDigest($"sha256:{Convert.ToHexStringLower(SHA256.HashData([]))}", 0)));
    }

    [Test]
    public void ApplyAsync_TruncatedInFileData_IsRefusedAsUnexpectedEof()
    {
        var tar = new TestTar().File("big", new byte[10_000]).ToArray();

        var error = LayerApply.Refused(tar[..4096], dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Does.Contain("unexpected EOF"));
        });
    }

    [Test]
    public void ApplyAsync_TruncatedInAHeader_IsRefusedAsUnexpectedEof()
    {
        var tar = SampleTar();

        var error = LayerApply.Refused(tar[..(tar.Length - 1024 - 300)], dir.Root);

        Assert.That(error.Message, Does.Contain("unexpected EOF"));
    }

    [Test]
    public void ApplyAsync_TruncatedZstd_IsRefusedAsUnexpectedEof()
    {
        var blob = TestTar.Zstd(new TestTar().File("random", RandomBytes(200_000)).ToArray());

        var error = LayerApply.Refused(blob[..(blob.Length / 2)], dir.Root);

        Assert.That((error.Kind, error.Message), Is.EqualTo((BerthErrorKind.InvalidParameter, "invalid layer: unexpected EOF in the tar stream")));
    }

    [Test]
    public void ApplyAsync_TruncatedGzip_IsRefused()
    {
        var blob = TestTar.Gzip(new TestTar().File("random", RandomBytes(200_000)).ToArray());

        var error = LayerApply.Refused(blob[..(blob.Length / 2)], dir.Root);

        Assert.That((error.Kind, error.Message), Is.EqualTo((BerthErrorKind.InvalidParameter, "invalid layer: unexpected EOF in the tar stream")));
    }

    [Test]
    public void ApplyAsync_CorruptGzip_IsRefusedAsCorruptData()
    {
        var blob = TestTar.Gzip(SampleTar());
        for (var i = 12; i < 40; i++) blob[i] ^= 0x5A;

        var error = LayerApply.Refused(blob, dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Does.StartWith("invalid layer: corrupt gzip data"));
        });
    }

    [Test]
    public void ApplyAsync_HeaderWithBadChecksum_IsRefused()
    {
        var tar = new TestTar().File("a", "a").File("b", "b").ToArray();
        var secondHeader = FindHeader(tar, "b");
        tar[secondHeader + 108 + 5] = (byte)'7'; // uid digit: the stored checksum no longer matches

        var error = LayerApply.Refused(tar, dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Does.StartWith("invalid layer: invalid tar header").And.Contain("checksum"));
            Assert.That(File.Exists(dir["b"]), Is.False);
        });
    }

    [Test]
    public void ApplyAsync_GarbageHeader_IsRefused()
    {
        var tar = SampleTar();
        new Random(3).NextBytes(tar.AsSpan(0, 512));

        var error = LayerApply.Refused(tar, dir.Root);

        Assert.Multiple(() =>
        {
            Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(error.Message, Does.StartWith("invalid layer: invalid tar header"));
        });
    }

    [Test]
    public void ApplyAsync_HeaderWithEmptyChecksumField_IsNotTakenForTheEnd()
    {
        var tar = new TestTar().File("a", "a").File("b", "b").ToArray();
        tar.AsSpan(FindHeader(tar, "b") + 148, 8).Clear();

        var error = LayerApply.Refused(tar, dir.Root);

        Assert.That(error.Message, Does.StartWith("invalid layer: invalid tar header"));
    }

    [Test]
    public void ApplyAsync_XzLayer_IsRefusedAsUnsupported()
    {
        byte[] xz = [0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00, 0, 0, 0, 0, 0, 0];

        var error = LayerApply.Refused(xz, dir.Root);

        Assert.That(error.Message, Does.Contain("xz compression is not supported"));
    }

    [Test]
    public void ApplyAsync_DiskFull_IsASystemErrorSayingSo()
    {
        LayerTestDirectory.RequireRoot();
        var small = dir.Sibling("small");
        if (!TryMountTmpfs(small, "size=256k")) Assert.Ignore("cannot mount a tmpfs here");
        try
        {
            var tar = new TestTar().File("big", new byte[2 << 20]).ToArray();

            var error = Assert.ThrowsAsync<BerthException>(() => LayerApply.ApplyAsync(tar, small))!;

            Assert.Multiple(() =>
            {
                Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.System));
                Assert.That(error.Message, Does.Contain("no space left on device"));
            });
        }
        finally
        {
            Posix.Unmount(small, detach: true);
        }
    }

    private static bool TryMountTmpfs(string target, string options)
    {
        try
        {
            Posix.Mount("tmpfs", target, "tmpfs", 0, options);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(11).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The offset of the ustar header whose name field is <paramref name="name"/>.</summary>
    private static int FindHeader(byte[] tar, string name)
    {
        for (var offset = 0; offset + 512 <= tar.Length; offset += 512)
        {
            var block = tar.AsSpan(offset, 512);
            if (block[156] != (byte)'x' && block[..100].TrimEnd((byte)0).SequenceEqual(System.Text.Encoding.ASCII.GetBytes(name))) return offset;
        }
        throw new UnreachableException($"no header for {name}");
    }
}

/// <summary>A stream that can only be read forward, like a registry download.</summary>
[SupportedOSPlatform("linux")]
internal sealed class NonSeekableStream(byte[] data) : Stream
{
    private readonly MemoryStream inner = new(data);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 7000));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
