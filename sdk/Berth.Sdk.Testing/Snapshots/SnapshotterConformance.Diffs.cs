using System.Formats.Tar;

namespace Berth.Sdk.Testing;

// containerd's diff service on a snapshotter: ApplyLayer (plain, gzip, zstd; hostile tars) and WriteDiff.
public abstract partial class SnapshotterConformance
{
    [TestCase(LayerCompression.None)]
    [TestCase(LayerCompression.Gzip)]
    [TestCase(LayerCompression.Zstd)]
    public async Task ApplyLayer_Blob_ReturnsDigestAndSizeOfPlainTar(LayerCompression compression)
    {
        Privileges.RequireRoot();
        var layer = new LayerTarBuilder().Directory("etc").File("etc/motd", "hello " + compression);
        var mounts = await PrepareAsync("extract");

        var digest = await ApplyAsync("extract", layer, compression);

        Assert.That(digest, Is.EqualTo(LayerDigests.Of(layer.Build())));
        WireCheck.AssertRoundTrips(digest);
        using var mounted = MountAt(mounts);
        Assert.That(await File.ReadAllTextAsync(mounted.Combine("etc/motd"), Cancellation), Is.EqualTo("hello " + compression));
    }

    [Test]
    public async Task ApplyLayer_UnknownKey_ThrowsNotFound()
    {
        Privileges.RequireRoot();
        var blob = Workspace.WriteBlob(new LayerTarBuilder().File("a", "a").Build());

        await ConformanceAssert.ThrowsBerthAsync(() => Snapshotter.ApplyLayerAsync("no-such-key", blob, Cancellation), BerthErrorKind.NotFound);
    }

    [TestCase(1)]
    [TestCase(64)]
    public async Task ApplyLayer_ParentTraversal_ThrowsInvalidParameterAndWritesNothingOutside(int depth)
    {
        Privileges.RequireRoot();
        var name = "escape-" + Guid.NewGuid().ToString("N")[..8];
        var blob = Workspace.WriteBlob(EscapingLayers.ParentTraversal(name, depth));
        await PrepareAsync("extract");

        try
        {
            await ConformanceAssert.ThrowsBerthAsync(() => Snapshotter.ApplyLayerAsync("extract", blob, Cancellation), BerthErrorKind.InvalidParameter);
            Assert.That(Workspace.FindEverywhere(name), Is.Empty, "nothing may be written outside the snapshot");
        }
        finally
        {
            EscapingLayers.RemoveEscapees(Workspace, name);
        }
    }

    [Test]
    public async Task ApplyLayer_FileThroughSymlinkToOutside_WritesNothingOutside()
    {
        Privileges.RequireRoot();
        var blob = Workspace.WriteBlob(EscapingLayers.ThroughSymlink(Workspace.Outside));
        await PrepareAsync("extract");

        await EscapingLayers.ApplyTolerantlyAsync(() => Snapshotter.ApplyLayerAsync("extract", blob, Cancellation));

        Assert.That(Directory.EnumerateFileSystemEntries(Workspace.Outside), Is.Empty, "a symlink in a layer must not lead writes outside it");
    }

    [Test]
    public async Task ApplyLayer_HardLinkToOutside_DoesNotLinkHostFile()
    {
        Privileges.RequireRoot();
        var target = Path.Combine(Workspace.Outside, "host-file");
        await File.WriteAllTextAsync(target, "host", Cancellation);
        var blob = Workspace.WriteBlob(EscapingLayers.HardLinkTo(target));
        await PrepareAsync("extract");

        await EscapingLayers.ApplyTolerantlyAsync(() => Snapshotter.ApplyLayerAsync("extract", blob, Cancellation));

        Assert.That(FileStatus.Of(target).Links, Is.EqualTo(1), "a hard link in a layer must not reach a file outside it");
    }

    [TestCase(LayerCompression.None)]
    [TestCase(LayerCompression.Gzip)]
    public async Task ApplyLayer_TruncatedBlob_Throws(LayerCompression compression)
    {
        Privileges.RequireRoot();
        var blob = Workspace.WriteBlob(EscapingLayers.Truncated(compression));
        await PrepareAsync("extract");

        await ConformanceAssert.ThrowsBerthAsync(() => Snapshotter.ApplyLayerAsync("extract", blob, Cancellation));
    }

    [Test]
    public async Task WriteDiff_ActiveSnapshot_ReturnsDigestOfWrittenTar()
    {
        Privileges.RequireRoot();
        await CommitLayerAsync("base", null, StandardLayers.Base());
        await PrepareAsync("work", "base");
        await ApplyAsync("work", StandardLayers.Deletions());
        var output = Workspace.NewFilePath("diff.tar");

        var digest = await Snapshotter.WriteDiffAsync("work", output, Cancellation);

        Assert.That(digest, Is.EqualTo(LayerDigests.OfFile(output)));
        var names = await TarNamesAsync(output);
        Assert.That(names, Does.Contain("etc/.wh.gone").And.Contain("etc/added-in-2").And.Contain(".wh.keep"),
            "the diff carries additions and OCI whiteouts");
    }

    [Test]
    public async Task WriteDiff_ThenApplyIntoFreshSnapshot_ReproducesTree()
    {
        Privileges.RequireRoot();
        await CommitLayerAsync("base", null, StandardLayers.Base());
        var workMounts = await PrepareAsync("work", "base");
        using (var work = MountAt(workMounts))
        {
            TreeChanges.Apply(work.Path);
        }
        var diff = Workspace.NewFilePath("diff.tar");
        var written = await Snapshotter.WriteDiffAsync("work", diff, Cancellation);
        var copyMounts = await PrepareAsync("copy", "base");

        var applied = await Snapshotter.ApplyLayerAsync("copy", diff, Cancellation);

        Assert.That(applied, Is.EqualTo(written), "applying a diff answers the digest WriteDiff answered");
        TreeSnapshot original, copy;
        using (var mounted = MountAt(workMounts)) original = TreeSnapshot.Capture(mounted.Path);
        using (var mounted = MountAt(copyMounts)) copy = TreeSnapshot.Capture(mounted.Path);
        Assert.That(copy.DifferencesFrom(original), Is.Empty);
        TreeChanges.AssertVisible(copy);
    }

    private static async Task<List<string>> TarNamesAsync(string path)
    {
        var names = new List<string>();
        await using var file = File.OpenRead(path);
        await using var reader = new TarReader(file);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
            names.Add(name.Trim('/'));
        }
        return names;
    }
}
