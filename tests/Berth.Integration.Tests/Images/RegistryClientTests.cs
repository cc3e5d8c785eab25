using Berth.Kernel.Images.Content;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Berth.Integration.Tests.Fixtures;
using Berth.Kernel.Images.Distribution;
using Berth.Kernel.Images.References;
using Berth.Sdk;

namespace Berth.Integration.Tests.Images;

/// <summary>
/// <see cref="RegistryClient"/> against a real registry (Debian's docker-registry on loopback, so plain HTTP after the
/// HTTPS attempt fails, as Docker does for an insecure registry). One registry serves the fixture; each test uses its
/// own repositories and its own temp folder.
/// </summary>
[TestFixture]
public sealed class RegistryClientTests
{
    private LocalRegistry registry = null!;
    private RecordingHandler network = null!;
    private RegistryClient client = null!;
    private string workDir = null!;

    [OneTimeSetUp]
    public async Task StartRegistry() => registry = await LocalRegistry.StartAsync(CancellationToken.None);

    [OneTimeTearDown]
    public async Task StopRegistry()
    {
        if (registry is not null) await registry.DisposeAsync();
    }

    [SetUp]
    public void SetUp()
    {
        network = new RecordingHandler();
        client = new RegistryClient(RegistryOptions.Default, TimeProvider.System, network);
        workDir = Directory.CreateTempSubdirectory("berth-registry-client.").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        client.Dispose();
        network.Dispose();
        Directory.Delete(workDir, recursive: true);
    }

    /// <summary>A repository no other test uses.</summary>
    private ImageReference Repo(string path) => ImageReference.Parse($"{registry.Address}/{path}-{Guid.NewGuid():N}");

    private static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);

    private Task UploadAsync(ImageReference repo, byte[] blob, IProgress<long>? progress = null) =>
        client.UploadBlobAsync(repo, Digests.Of(blob), _ => Task.FromResult<Stream>(new MemoryStream(blob)), blob.Length, progress, null, CancellationToken.None);

    private static Descriptor Blob(string mediaType, byte[] bytes) => new(mediaType, Digests.Of(bytes), bytes.Length);

    /// <summary>Pushes a config and the layers, then an OCI manifest under <paramref name="tagOrDigest"/> (its digest when null).</summary>
    private async Task<(string Digest, byte[] Bytes, Descriptor Config, Descriptor[] Layers)> PushImageAsync(
        ImageReference repo, string? tagOrDigest, string architecture = "amd64", params byte[][] layers)
    {
        var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"{architecture}\",\"os\":\"linux\",\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[]}}}}");
        await UploadAsync(repo, config);
        foreach (var layer in layers) await UploadAsync(repo, layer);
        var configDescriptor = Blob(MediaTypes.OciConfig, config);
        var layerDescriptors = layers.Select(l => Blob(MediaTypes.OciLayerGzip, l)).ToArray();
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}",
             "config":{"mediaType":"{{configDescriptor.MediaType}}","digest":"{{configDescriptor.Digest}}","size":{{configDescriptor.Size}}},
             "layers":[{{string.Join(",", layerDescriptors.Select(l => $"{{\"mediaType\":\"{l.MediaType}\",\"digest\":\"{l.Digest}\",\"size\":{l.Size}}}"))}}]}
            """);
        var digest = await client.PutManifestAsync(repo, tagOrDigest ?? Digests.Of(manifest), MediaTypes.OciManifest, manifest, null, CancellationToken.None);
        return (digest, manifest, configDescriptor, layerDescriptors);
    }

    private static async Task<BerthException> RefusedAsync(Func<Task> action)
    {
        try
        {
            await action().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (BerthException expected)
        {
            return expected;
        }
        Assert.Fail("expected a BerthException, but the call completed");
        return null!;
    }

    /// <summary>An IProgress that records synchronously (Progress&lt;T&gt; posts to the thread pool, too late for asserts).</summary>
    private sealed class Recorder : IProgress<long>
    {
        public ConcurrentQueue<long> Values { get; } = new();

        public void Report(long value) => Values.Enqueue(value);
    }

    [Test]
    public async Task UploadBlob_ThenBlobExists_IsTrue()
    {
        var repo = Repo("it/upload");
        var blob = RandomBytes(300_000);
        var progress = new Recorder();

        var before = await client.BlobExistsAsync(repo, Digests.Of(blob), null, CancellationToken.None);
        await UploadAsync(repo, blob, progress);
        var after = await client.BlobExistsAsync(repo, Digests.Of(blob), null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.False);
            Assert.That(after, Is.True);
            Assert.That(progress.Values.Last(), Is.EqualTo(blob.Length));
            Assert.That(network.Exchanges.Select(e => e.Method.Method), Does.Contain("PATCH").And.Contain("PUT"));
        });
    }

    [Test]
    public async Task TryMountBlob_FromAnotherRepository_LinksItWithoutUpload()
    {
        var source = Repo("it/mount-src");
        var target = Repo("it/mount-dst");
        var blob = RandomBytes(1000);
        await UploadAsync(source, blob);

        var mounted = await client.TryMountBlobAsync(target, Digests.Of(blob), source, null, CancellationToken.None);
        var linked = await client.BlobExistsAsync(target, Digests.Of(blob), null, CancellationToken.None);
        var missing = await client.TryMountBlobAsync(target, Digests.Of(RandomBytes(10)), source, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(mounted, Is.True);
            Assert.That(linked, Is.True);
            Assert.That(missing, Is.False, "the registry opened an upload instead");
            Assert.That(network.Exchanges.Any(e => e.Method == HttpMethod.Delete && e.Status == HttpStatusCode.NoContent), Is.True,
                "the upload the failed mount opened is cancelled");
        });
    }

    [Test]
    public async Task PutManifest_ByTag_GetsBackByTagAndByDigest()
    {
        var repo = Repo("it/manifest");
        var pushed = await PushImageAsync(repo, "v1", "amd64", RandomBytes(2000), RandomBytes(3000));

        var byTag = await client.GetManifestAsync(repo.WithTag("v1"), null, Platform.LinuxAmd64, CancellationToken.None);
        var byDigest = await client.GetManifestAsync(repo.WithDigest(pushed.Digest), null, Platform.LinuxAmd64, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(pushed.Digest, Is.EqualTo(Digests.Of(pushed.Bytes)));
            foreach (var fetched in new[] { byTag, byDigest })
            {
                Assert.That(fetched.Digest, Is.EqualTo(pushed.Digest));
                Assert.That(fetched.MediaType, Is.EqualTo(MediaTypes.OciManifest));
                Assert.That(fetched.Bytes, Is.EqualTo(pushed.Bytes));
                Assert.That(fetched.Manifest.Config, Is.EqualTo(pushed.Config));
                Assert.That(fetched.Manifest.Layers, Is.EqualTo(pushed.Layers));
                Assert.That(fetched.IndexDigest, Is.Null);
            }
        });
    }

    [Test]
    public async Task GetBlob_Config_IsVerifiedAndReturned()
    {
        var repo = Repo("it/config");
        var pushed = await PushImageAsync(repo, "v1");

        var config = await client.GetBlobAsync(repo, pushed.Config.Digest, null, 1 << 20, CancellationToken.None);

        Assert.That(Digests.Of(config), Is.EqualTo(pushed.Config.Digest));
    }

    [Test]
    public async Task DownloadBlob_WholeBlob_IsVerifiedAndReportsProgress()
    {
        var repo = Repo("it/download");
        var blob = RandomBytes(1_000_000);
        await UploadAsync(repo, blob);
        var path = Path.Combine(workDir, "layer.partial");
        var progress = new Recorder();

        await client.DownloadBlobAsync(repo, Blob(MediaTypes.OciLayerGzip, blob), path, progress, null, CancellationToken.None);

        var downloaded = await File.ReadAllBytesAsync(path);
        Assert.Multiple(() =>
        {
            Assert.That(downloaded, Is.EqualTo(blob));
            Assert.That(progress.Values.First(), Is.Zero);
            Assert.That(progress.Values.Last(), Is.EqualTo(blob.Length));
            Assert.That(progress.Values, Is.Ordered);
        });
    }

    [Test]
    public async Task DownloadBlob_PartialFile_ResumesWithARangeRequest()
    {
        var repo = Repo("it/resume");
        var blob = RandomBytes(500_000);
        await UploadAsync(repo, blob);
        var path = Path.Combine(workDir, "layer.partial");
        var half = blob.Length / 2;
        await File.WriteAllBytesAsync(path, blob[..half]);
        var progress = new Recorder();

        await client.DownloadBlobAsync(repo, Blob(MediaTypes.OciLayerGzip, blob), path, progress, null, CancellationToken.None);

        var get = network.Exchanges.Last(e => e.Method == HttpMethod.Get && e.Uri.AbsolutePath.Contains("/blobs/", StringComparison.Ordinal));
        var downloaded = await File.ReadAllBytesAsync(path);
        Assert.Multiple(() =>
        {
            Assert.That(downloaded, Is.EqualTo(blob));
            Assert.That(get.Range, Is.EqualTo($"bytes={half}-"));
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That(progress.Values.First(), Is.EqualTo(half));
            Assert.That(progress.Values.Last(), Is.EqualTo(blob.Length));
        });
    }

    [Test]
    public async Task DownloadBlob_CorruptedPartialFile_IsDetectedAndRemoved()
    {
        var repo = Repo("it/corrupt");
        var blob = RandomBytes(200_000);
        await UploadAsync(repo, blob);
        var descriptor = Blob(MediaTypes.OciLayerGzip, blob);
        var path = Path.Combine(workDir, "layer.partial");
        var corrupted = blob[..(blob.Length / 2)];
        corrupted[1234] ^= 0xff;
        await File.WriteAllBytesAsync(path, corrupted);

        var ex = await RefusedAsync(() => client.DownloadBlobAsync(repo, descriptor, path, null, null, CancellationToken.None));
        var existsAfterFailure = File.Exists(path);
        await client.DownloadBlobAsync(repo, descriptor, path, null, null, CancellationToken.None);
        var downloaded = await File.ReadAllBytesAsync(path);

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(ex.Message, Is.EqualTo($"filesystem layer verification failed for digest {descriptor.Digest}"));
            Assert.That(existsAfterFailure, Is.False);
            Assert.That(downloaded, Is.EqualTo(blob), "a fresh attempt starts over and succeeds");
        });
    }

    [Test]
    public async Task DownloadBlob_ThreeAtOnceThroughOneClient_AllVerify()
    {
        var repo = Repo("it/parallel");
        var blobs = Enumerable.Range(0, 3).Select(_ => RandomBytes(400_000)).ToArray();
        foreach (var blob in blobs) await UploadAsync(repo, blob);

        await Task.WhenAll(blobs.Select((blob, i) =>
            client.DownloadBlobAsync(repo, Blob(MediaTypes.OciLayerGzip, blob), Path.Combine(workDir, $"{i}.partial"), null, null, CancellationToken.None)));

        for (var i = 0; i < blobs.Length; i++)
            Assert.That(await File.ReadAllBytesAsync(Path.Combine(workDir, $"{i}.partial")), Is.EqualTo(blobs[i]));
    }

    [Test]
    public async Task GetManifest_MissingTag_IsNotFoundWithDockersMessage()
    {
        var repo = Repo("it/missing");
        await PushImageAsync(repo, "present");

        var ex = await RefusedAsync(() => client.GetManifestAsync(repo.WithTag("nope"), null, Platform.LinuxAmd64, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotFound));
            Assert.That(ex.Message, Is.EqualTo($"manifest for {repo.FamiliarRepository}:nope not found: manifest unknown: manifest unknown"));
        });
    }

    [Test]
    public async Task GetManifest_OciIndex_ResolvesThePlatformsEntry()
    {
        var repo = Repo("it/index");
        var amd64 = await PushImageAsync(repo, null, "amd64", RandomBytes(100));
        var arm64 = await PushImageAsync(repo, null, "arm64", RandomBytes(100));
        var index = Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"mediaType":"{{{MediaTypes.OciIndex}}}","manifests":[
              {"mediaType":"{{{MediaTypes.OciManifest}}}","digest":"{{{arm64.Digest}}}","size":{{{arm64.Bytes.Length}}},"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
              {"mediaType":"{{{MediaTypes.OciManifest}}}","digest":"{{{amd64.Digest}}}","size":{{{amd64.Bytes.Length}}},"platform":{"architecture":"amd64","os":"linux"}}
            ]}
            """);
        var indexDigest = await client.PutManifestAsync(repo, "multi", MediaTypes.OciIndex, index, null, CancellationToken.None);
        var tagged = repo.WithTag("multi");

        var forAmd64 = await client.GetManifestAsync(tagged, null, Platform.LinuxAmd64, CancellationToken.None);
        var forArm64 = await client.GetManifestAsync(tagged, null, new Platform("arm64", "linux"), CancellationToken.None);
        var byIndexDigest = await client.GetManifestAsync(repo.WithDigest(indexDigest), null, Platform.LinuxAmd64, CancellationToken.None);
        var none = await RefusedAsync(() => client.GetManifestAsync(tagged, null, new Platform("s390x", "linux"), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(forAmd64.Digest, Is.EqualTo(amd64.Digest));
            Assert.That(forAmd64.Bytes, Is.EqualTo(amd64.Bytes));
            Assert.That(forAmd64.IndexDigest, Is.EqualTo(indexDigest));
            Assert.That(forArm64.Digest, Is.EqualTo(arm64.Digest));
            Assert.That(byIndexDigest.Digest, Is.EqualTo(amd64.Digest));
            Assert.That(none.Kind, Is.EqualTo(BerthErrorKind.NotFound));
            Assert.That(none.Message, Is.EqualTo("no matching manifest for linux/s390x in the manifest list entries"));
        });
    }

    [Test]
    public async Task GetManifest_UnknownMediaType_IsRefusedNamingIt()
    {
        const string Unknown = "application/vnd.example.unknown.v1+json";
        var repo = Repo("it/unknown");
        await PushImageAsync(repo, "v1");
        network.Relabel = request => request.RequestUri!.AbsolutePath.Contains("/manifests/", StringComparison.Ordinal) ? Unknown : null;

        var ex = await RefusedAsync(() => client.GetManifestAsync(repo.WithTag("v1"), null, Platform.LinuxAmd64, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
            Assert.That(ex.Message, Is.EqualTo($"unsupported manifest media type \"{Unknown}\""));
        });
    }

    [Test]
    public async Task Endpoint_Loopback_FallsBackFromHttpsToHttpOnce()
    {
        var repo = Repo("it/scheme");
        await PushImageAsync(repo, "v1");
        await client.GetManifestAsync(repo.WithTag("v1"), null, Platform.LinuxAmd64, CancellationToken.None);

        var exchanges = network.Exchanges;
        Assert.Multiple(() =>
        {
            Assert.That(exchanges[0].Uri.AbsoluteUri, Is.EqualTo($"https://{registry.Address}/v2/"));
            Assert.That(exchanges[0].Status, Is.Null, "the TLS handshake with a plain-HTTP registry fails");
            Assert.That(exchanges[1].Uri.AbsoluteUri, Is.EqualTo($"http://{registry.Address}/v2/"));
            Assert.That(exchanges.Skip(1).Select(e => e.Uri.Scheme), Has.All.EqualTo("http"), "the scheme that worked is remembered");
            Assert.That(exchanges.Count(e => e.Uri.AbsolutePath == "/v2/"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Unreachable_ConnectionRefused_ReadsLikeDocker()
    {
        var address = $"127.0.0.1:{LocalRegistry.FreePort()}";

        var ex = await RefusedAsync(() =>
            client.GetManifestAsync(ImageReference.Parse($"{address}/x:1"), null, Platform.LinuxAmd64, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.Unavailable));
            Assert.That(ex.Message, Is.EqualTo($"Get \"http://{address}/v2/\": dial tcp {address}: connect: connection refused"));
        });
    }
}
