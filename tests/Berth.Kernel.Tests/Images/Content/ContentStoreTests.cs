using System.Text;
using Berth.Kernel.Images.Content;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Images.Content;

public class ContentStoreTests
{
    private string root = null!;

    [SetUp]
    public void CreateRoot() => root = Directory.CreateTempSubdirectory("berth-content.").FullName;

    [TearDown]
    public void RemoveRoot() => Directory.Delete(root, recursive: true);

    [Test]
    public async Task WriteAsync_ExpectedDigest_StoresUnderItsDigest()
    {
        var store = new ContentStore(root);
        var bytes = Encoding.UTF8.GetBytes("hello");
        var blob = await store.WriteAsync(new MemoryStream(bytes), Digests.Of(bytes), CancellationToken.None);
        Assert.That(blob.Digest, Is.EqualTo(Digests.Of(bytes)));
        Assert.That(await store.ReadAllBytesAsync(blob.Digest, CancellationToken.None), Is.EqualTo(bytes));
        Assert.That(Directory.EnumerateFiles(store.IngestDirectory), Is.Empty, "nothing is left in ingest");
    }

    [Test]
    public void WriteAsync_DigestMismatch_RefusedAndNothingStored()
    {
        var store = new ContentStore(root);
        var ex = Assert.ThrowsAsync<BerthException>(() => store.WriteAsync(new MemoryStream("hello"u8.ToArray()), Digests.Of("other"), CancellationToken.None));
        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Does.Contain("digest mismatch"));
        Assert.That(store.List(), Is.Empty);
        Assert.That(Directory.EnumerateFiles(store.IngestDirectory), Is.Empty);
    }

    [Test]
    public async Task RemoveLeftovers_TempFilesAndFolders_RemovedButPartialDownloadsKept()
    {
        var store = new ContentStore(root);
        var partial = store.PartialPath(Digests.Of("x"));
        await File.WriteAllTextAsync(partial, "half");
        await File.WriteAllTextAsync(store.NewIngestPath(), "torn");
        Directory.CreateDirectory(store.NewIngestPath("load"));
        store.RemoveLeftovers();
        Assert.That(Directory.EnumerateFileSystemEntries(store.IngestDirectory), Is.EqualTo(new[] { partial }));
    }

    [Test]
    public async Task RemoveAllExcept_KeepsOnlyTheNamedBlobs()
    {
        var store = new ContentStore(root);
        var kept = await store.WriteAsync("a"u8.ToArray(), null, CancellationToken.None);
        var dropped = await store.WriteAsync("b"u8.ToArray(), null, CancellationToken.None);
        Assert.That(store.RemoveAllExcept(new HashSet<string> { kept.Digest }), Is.EqualTo(1));
        Assert.That(store.Exists(kept.Digest), Is.True);
        Assert.That(store.Exists(dropped.Digest), Is.False);
    }
}
