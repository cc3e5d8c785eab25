using Berth.Sdk.GraphDriver;

namespace Berth.Sdk.Testing;

// Changes, Diff, ApplyDiff, ApplyDiffFromFile and DiffSize: layers as tar streams.
public abstract partial class GraphDriverConformance
{
    [Test]
    public async Task Changes_ReadWriteLayerAfterWrites_ListsAddModifyDelete()
    {
        Privileges.RequireRoot();
        await CreateLayerAsync("base", null, StandardLayers.Base());
        await CreateReadWriteAsync("rw", "base");
        await WithLayerAsync("rw", dir =>
        {
            File.WriteAllText(Path.Combine(dir, "added.txt"), "new");
            File.AppendAllText(Path.Combine(dir, "etc/hosts"), " and more");
            File.Delete(Path.Combine(dir, "etc/gone"));
            return true;
        });

        var changes = await Driver.ChangesAsync("rw", "base", Cancellation);

        var found = changes.Select(c => ("/" + c.Path.TrimStart('/'), c.Kind)).ToList();
        Assert.That(found, Does.Contain(("/added.txt", ChangeKind.Add))
            .And.Contain(("/etc/hosts", ChangeKind.Modify))
            .And.Contain(("/etc/gone", ChangeKind.Delete)));
        Assert.That(found.Select(c => c.Item1), Does.Not.Contain("/etc/hostname"), "untouched files are not changes");
        WireCheck.AssertRoundTrips(changes);
    }

    [Test]
    public async Task Diff_ThenApplyDiffIntoNewLayer_ReproducesTree()
    {
        Privileges.RequireRoot();
        await CreateLayerAsync("base", null, StandardLayers.Base());
        await CreateReadWriteAsync("rw", "base");
        await WithLayerAsync("rw", dir =>
        {
            TreeChanges.Apply(dir);
            return true;
        });
        using var tar = new MemoryStream();
        await using (var diff = await Driver.DiffAsync("rw", "base", Cancellation))
        {
            await diff.CopyToAsync(tar, Cancellation);
        }
        await CreateAsync("copy", "base");
        tar.Position = 0;

        var applied = await Driver.ApplyDiffAsync("copy", "base", tar, Cancellation);

        Assert.That(applied, Is.EqualTo(tar.Length), "ApplyDiff answers the size of the tar");
        var original = await CaptureAsync("rw");
        var copy = await CaptureAsync("copy");
        Assert.That(copy.DifferencesFrom(original), Is.Empty);
        TreeChanges.AssertVisible(copy);
    }

    [Test]
    public async Task ApplyDiff_PlainTar_ReturnsTarSize()
    {
        Privileges.RequireRoot();
        var tar = StandardLayers.Base().Build();
        await CreateAsync("layer");

        using var stream = new MemoryStream(tar, writable: false);
        var size = await Driver.ApplyDiffAsync("layer", null, stream, Cancellation);

        Assert.That(size, Is.EqualTo(tar.LongLength));
    }

    [TestCase(LayerCompression.None)]
    [TestCase(LayerCompression.Gzip)]
    [TestCase(LayerCompression.Zstd)]
    public async Task ApplyDiffFromFile_Blob_ReturnsDigestAndSizeOfPlainTar(LayerCompression compression)
    {
        Privileges.RequireRoot();
        var layer = StandardLayers.Base();
        var blob = Workspace.NewFilePath("layer");
        var expected = layer.WriteTo(blob, compression);
        await CreateAsync("layer");

        var digest = await Driver.ApplyDiffFromFileAsync("layer", null, blob, Cancellation);

        Assert.That(digest, Is.EqualTo(expected));
        var tree = await CaptureAsync("layer");
        Assert.That(tree.Find("etc/hostname")?.Type, Is.EqualTo(TreeEntryType.File));
    }

    [Test]
    public async Task DiffSize_AfterWrites_IsPositive()
    {
        Privileges.RequireRoot();
        await CreateLayerAsync("base", null, StandardLayers.Base());
        await CreateReadWriteAsync("rw", "base");
        await WithLayerAsync("rw", dir =>
        {
            File.WriteAllBytes(Path.Combine(dir, "data.bin"), new byte[4096]);
            return true;
        });

        var size = await Driver.DiffSizeAsync("rw", "base", Cancellation);

        Assert.That(size, Is.GreaterThan(0));
    }

    [TestCase(1)]
    [TestCase(64)]
    public async Task ApplyDiff_ParentTraversal_ThrowsInvalidParameterAndWritesNothingOutside(int depth)
    {
        Privileges.RequireRoot();
        var name = "escape-" + Guid.NewGuid().ToString("N")[..8];
        await CreateAsync("layer");

        try
        {
            using var tar = new MemoryStream(EscapingLayers.ParentTraversal(name, depth), writable: false);
            await ConformanceAssert.ThrowsBerthAsync(() => Driver.ApplyDiffAsync("layer", null, tar, Cancellation), BerthErrorKind.InvalidParameter);
            Assert.That(Workspace.FindEverywhere(name), Is.Empty, "nothing may be written outside the layer");
        }
        finally
        {
            EscapingLayers.RemoveEscapees(Workspace, name);
        }
    }

    [Test]
    public async Task ApplyDiff_FileThroughSymlinkToOutside_WritesNothingOutside()
    {
        Privileges.RequireRoot();
        await CreateAsync("layer");

        using var tar = new MemoryStream(EscapingLayers.ThroughSymlink(Workspace.Outside), writable: false);
        await EscapingLayers.ApplyTolerantlyAsync(() => Driver.ApplyDiffAsync("layer", null, tar, Cancellation));

        Assert.That(Directory.EnumerateFileSystemEntries(Workspace.Outside), Is.Empty, "a symlink in a layer must not lead writes outside it");
    }

    [Test]
    public async Task ApplyDiff_TruncatedTar_Throws()
    {
        Privileges.RequireRoot();
        await CreateAsync("layer");

        using var tar = new MemoryStream(EscapingLayers.Truncated(LayerCompression.None), writable: false);
        await ConformanceAssert.ThrowsBerthAsync(() => Driver.ApplyDiffAsync("layer", null, tar, Cancellation));
    }
}
