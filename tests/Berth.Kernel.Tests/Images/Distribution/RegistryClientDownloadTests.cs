using Berth.Kernel.Images.Content;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.References;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Images.Distribution;

/// <summary>
/// Resume and verification cases a real registry does not produce on demand (a dropped connection, a registry that
/// ignores Range or refuses it); the happy paths run against docker-registry in Berth.Integration.Tests.
/// </summary>
public class RegistryClientDownloadTests
{
    private static readonly ImageReference Repo = ImageReference.Parse("registry.test/acc/app");
    private readonly byte[] blob = RandomNumberGenerator.GetBytes(300_000);
    private string dir = null!;
    private string path = null!;

    private Descriptor Layer => new(MediaTypes.OciLayerGzip, Digests.Of(blob), blob.Length);

    [SetUp]
    public void SetUp()
    {
        dir = Directory.CreateTempSubdirectory("berth-download-test.").FullName;
        path = Path.Combine(dir, "layer.partial");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(dir, recursive: true);

    private HttpResponseMessage Whole(Stream? body = null)
    {
        var content = new StreamContent(body ?? new MemoryStream(blob));
        content.Headers.ContentLength = blob.Length;
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private HttpResponseMessage From(long offset) => new(HttpStatusCode.PartialContent)
    {
        Content = new ByteArrayContent(blob[(int)offset..]) { Headers = { ContentRange = new ContentRangeHeaderValue(offset, blob.Length - 1, blob.Length) } },
    };

    private static long RangeStart(StubRegistryHandler.Seen request) => long.Parse(request.Range!["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);

    private Task DownloadAsync(RegistryClient client, IProgress<long>? progress = null) =>
        client.DownloadBlobAsync(Repo, Layer, path, progress, null, CancellationToken.None);

    [Test]
    public async Task ConnectionDropsMidBody_KeepsThePartialFileAndThrows_ThenResumes()
    {
        var calls = 0;
        using var handler = new StubRegistryHandler(r => Interlocked.Increment(ref calls) == 1 ? Whole(new DroppingStream(blob, 100_000)) : From(RangeStart(r)));
        using var client = new RegistryClient(RegistryOptions.Default, TimeProvider.System, handler);

        var ex = await Wait.ThrowsAsync<BerthException>(() => DownloadAsync(client));
        var kept = new FileInfo(path).Length;
        await DownloadAsync(client);

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Unavailable));
            Assert.That(ex.Message, Does.Contain(Layer.Digest).And.Contain("after 100000 of 300000 bytes"));
            Assert.That(kept, Is.EqualTo(100_000));
            Assert.That(handler.Requests[1].Range, Is.EqualTo("bytes=100000-"));
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(blob));
        });
    }

    [Test]
    public async Task RegistryIgnoresRange_StartsOverFromZero()
    {
        await File.WriteAllBytesAsync(path, blob[..1000]);
        using var handler = new StubRegistryHandler(_ => Whole());
        using var client = new RegistryClient(RegistryOptions.Default, TimeProvider.System, handler);
        var progress = new List<long>();

        await DownloadAsync(client, new SyncProgress(progress.Add));

        Assert.Multiple(() =>
        {
            Assert.That(handler.Requests.Single().Range, Is.EqualTo("bytes=1000-"));
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(blob));
            Assert.That(progress.Take(2), Is.EqualTo(new[] { 1000L, 0L }));
            Assert.That(progress[^1], Is.EqualTo(blob.Length));
        });
    }

    [Test]
    public async Task RegistryRefusesTheRange_FetchesTheWholeBlob()
    {
        await File.WriteAllBytesAsync(path, blob[..1000]);
        using var handler = new StubRegistryHandler(r => r.Range is null ? Whole() : new HttpResponseMessage(HttpStatusCode.RequestedRangeNotSatisfiable));
        using var client = new RegistryClient(RegistryOptions.Default, TimeProvider.System, handler);

        await DownloadAsync(client);

        Assert.Multiple(() =>
        {
            Assert.That(handler.Requests.Select(r => r.Range), Is.EqualTo(new[] { "bytes=1000-", null }));
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(blob));
        });
    }

    [Test]
    public async Task CompleteFileAlreadyThere_IsVerifiedWithoutARequest()
    {
        await File.WriteAllBytesAsync(path, blob);
        using var handler = new StubRegistryHandler(_ => throw new AssertionException("no request expected"));
        using var client = new RegistryClient(RegistryOptions.Default, TimeProvider.System, handler);

        await DownloadAsync(client);

        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public async Task RegistrySendsMoreThanTheDescriptorSays_FailsVerificationAndDeletesTheFile()
    {
        using var handler = new StubRegistryHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([.. blob, 1, 2, 3]) });
        using var client = new RegistryClient(RegistryOptions.Default, TimeProvider.System, handler);

        var ex = await Wait.ThrowsAsync<BerthException>(() => DownloadAsync(client));

        Assert.Multiple(() =>
        {
            Assert.That(ex.Message, Is.EqualTo($"filesystem layer verification failed for digest {Layer.Digest}"));
            Assert.That(File.Exists(path), Is.False);
        });
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    /// <summary>Gives the first <c>dropAfter</c> bytes, then fails as a reset connection does.</summary>
    private sealed class DroppingStream(byte[] data, int dropAfter) : Stream
    {
        private int position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;

        public override long Position
        {
            get => position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (position >= dropAfter) throw new IOException("connection reset by peer");
            var n = Math.Min(count, dropAfter - position);
            Array.Copy(data, position, buffer, offset, n);
            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
