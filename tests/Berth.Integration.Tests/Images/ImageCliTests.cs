using System.Text.Json;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Images;

/// <summary>Images through the stock docker CLI: import, inspect, history, tag, rmi, images filters, save/load, prune, df.</summary>
[TestFixture]
public sealed class ImageCliTests
{
    private BerthdInstance daemon = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => daemon = await BerthdInstance.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await daemon.DisposeAsync();

    [Test]
    public async Task Import_BusyboxRootfsWithChanges_InspectAndHistoryLookLikeDocker()
    {
        var import = await daemon.DockerAsync("import", "--change", "CMD [\"sh\"]", "--change", "ENV A=1", "--change", "WORKDIR /root",
            TestImages.BusyboxRootfsTar, "import-test/busybox:1");
        Assert.That(import.ExitCode, Is.Zero, import.ToString());
        Assert.That(import.Stdout.Trim(), Does.Match("^sha256:[0-9a-f]{64}$"));

        var inspect = await daemon.DockerAsync("image", "inspect", "import-test/busybox:1");
        Assert.That(inspect.ExitCode, Is.Zero, inspect.ToString());
        var image = JsonDocument.Parse(inspect.Stdout).RootElement[0];
        Assert.That(image.GetProperty("Id").GetString(), Is.EqualTo(import.Stdout.Trim()));
        Assert.That(image.GetProperty("RepoTags")[0].GetString(), Is.EqualTo("import-test/busybox:1"));
        Assert.That(image.GetProperty("Config").GetProperty("Cmd")[0].GetString(), Is.EqualTo("sh"));
        Assert.That(image.GetProperty("Config").GetProperty("Env")[0].GetString(), Is.EqualTo("A=1"));
        Assert.That(image.GetProperty("Config").GetProperty("WorkingDir").GetString(), Is.EqualTo("/root"));
        Assert.That(image.GetProperty("Comment").GetString(), Is.EqualTo("Imported from -"));
        Assert.That(image.GetProperty("Os").GetString(), Is.EqualTo("linux"));
        Assert.That(image.GetProperty("RootFS").GetProperty("Layers").GetArrayLength(), Is.EqualTo(1));
        Assert.That(image.GetProperty("Size").GetInt64(), Is.GreaterThan(1_000_000), "busybox is about 2 MB");

        var history = await daemon.DockerAsync("history", "--no-trunc", "--format", "{{.ID}}|{{.CreatedBy}}|{{.Comment}}", "import-test/busybox:1");
        Assert.That(history.ExitCode, Is.Zero, history.ToString());
        Assert.That(history.Stdout.Trim(), Is.EqualTo($"{import.Stdout.Trim()}||Imported from -"));
    }

    [Test]
    public async Task Import_BadChange_RefusedWithDockersMessage()
    {
        var result = await daemon.DockerAsync("import", "--change", "RUN echo hi", TestImages.BusyboxRootfsTar, "import-test/bad:1");
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("RUN is not a valid change command"));
        var images = await daemon.DockerAsync("images", "-q", "import-test/bad");
        Assert.That(images.Stdout.Trim(), Is.Empty);
    }

    [Test]
    public async Task Import_TarSlip_RefusedAndNothingWrittenOutside()
    {
        var target = Path.Combine(Path.GetTempPath(), $"berth-slip-{Guid.NewGuid():N}");
        var before = LayerDirCount();
        var result = await daemon.DockerAsync("import", TestImages.TarSlip(target), "import-test/evil:1");
        Assert.That(result.ExitCode, Is.Not.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("escapes").Or.Contain("outside"));
        Assert.That(File.Exists(target), Is.False, "nothing may be written outside the layer root");
        Assert.That(LayerDirCount(), Is.EqualTo(before), "the half-applied layer is removed");
        var images = await daemon.DockerAsync("images", "-q", "import-test/evil");
        Assert.That(images.Stdout.Trim(), Is.Empty);
    }

    [Test]
    public async Task Import_TruncatedTar_RefusedAndStoreUnchanged()
    {
        var truncated = Path.Combine(Path.GetTempPath(), $"berth-truncated-{Guid.NewGuid():N}.tar");
        try
        {
            var whole = await File.ReadAllBytesAsync(TestImages.BusyboxRootfsTar);
            await File.WriteAllBytesAsync(truncated, whole[..(whole.Length / 2)]);
            var before = LayerDirCount();
            var result = await daemon.DockerAsync("import", truncated, "import-test/truncated:1");
            Assert.That(result.ExitCode, Is.Not.Zero, result.ToString());
            Assert.That(LayerDirCount(), Is.EqualTo(before));
        }
        finally
        {
            File.Delete(truncated);
        }
    }

    [Test]
    public async Task TagAndRmi_TwoTags_FirstUntagsSecondDeletes()
    {
        var id = await ImportAsync("rmi-test/a:1");
        Assert.That((await daemon.DockerAsync("tag", "rmi-test/a:1", "rmi-test/b:2")).ExitCode, Is.Zero);

        var untag = await daemon.DockerAsync("rmi", "rmi-test/a:1");
        Assert.That(untag.ExitCode, Is.Zero, untag.ToString());
        Assert.That(untag.Stdout, Does.Contain("Untagged: rmi-test/a:1").And.Not.Contain("Deleted"));

        var delete = await daemon.DockerAsync("rmi", "rmi-test/b:2");
        Assert.That(delete.ExitCode, Is.Zero, delete.ToString());
        Assert.That(delete.Stdout, Does.Contain("Untagged: rmi-test/b:2").And.Contain($"Deleted: {id}"));
        var gone = await daemon.DockerAsync("image", "inspect", id);
        Assert.That(gone.ExitCode, Is.Not.Zero);
        Assert.That(gone.Stderr, Does.Contain($"No such image: {id}"));
    }

    [Test]
    public async Task Rmi_ByIdWithTagsInTwoRepositories_ConflictUnlessForced()
    {
        var id = await ImportAsync("rmi-force/a:1");
        await daemon.DockerAsync("tag", "rmi-force/a:1", "rmi-force/other:1");
        var refused = await daemon.DockerAsync("rmi", id[7..19]);
        Assert.That(refused.ExitCode, Is.Not.Zero);
        Assert.That(refused.Stderr, Does.Contain("(must be forced) - image is referenced in multiple repositories"));
        var forced = await daemon.DockerAsync("rmi", "-f", id[7..19]);
        Assert.That(forced.ExitCode, Is.Zero, forced.ToString());
        Assert.That(forced.Stdout, Does.Contain($"Deleted: {id}"));
    }

    [Test]
    public async Task Rmi_Unknown_NoSuchImage404()
    {
        var result = await daemon.DockerAsync("rmi", "nothing-here/none:1");
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("No such image: nothing-here/none:1"));
    }

    [Test]
    public async Task Images_Filters_DanglingAndReferenceSelect()
    {
        var id = await ImportAsync("filter-test/x:1");
        await ImportAsync("filter-test/y:1");
        var byReference = await daemon.DockerAsync("images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=filter-test/x*");
        Assert.That(byReference.Stdout.Trim(), Is.EqualTo("filter-test/x:1"), byReference.ToString());

        await daemon.DockerAsync("rmi", "filter-test/x:1");
        var dangling = await daemon.DockerAsync("images", "-q", "--no-trunc", "--filter", "dangling=true");
        Assert.That(dangling.Stdout, Does.Not.Contain(id), "an untagged image was deleted, not left dangling");
        var bad = await daemon.DockerAsync("images", "--filter", "colour=blue");
        Assert.That(bad.ExitCode, Is.Not.Zero);
        Assert.That(bad.Stderr, Does.Contain("invalid filter 'colour'"));
    }

    [Test]
    public async Task SaveThenLoad_RoundTrip_SameIdAndTag()
    {
        var id = await ImportAsync("save-test/busybox:1");
        var archive = Path.Combine(Path.GetTempPath(), $"berth-save-{Guid.NewGuid():N}.tar");
        try
        {
            var save = await daemon.DockerAsync("save", "-o", archive, "save-test/busybox:1");
            Assert.That(save.ExitCode, Is.Zero, save.ToString());
            Assert.That((await daemon.DockerAsync("rmi", "save-test/busybox:1")).ExitCode, Is.Zero);
            var load = await daemon.DockerAsync("load", "-i", archive);
            Assert.That(load.ExitCode, Is.Zero, load.ToString());
            Assert.That(load.Stdout, Does.Contain("Loaded image: save-test/busybox:1"));
            var inspect = await daemon.DockerAsync("image", "inspect", "--format", "{{.Id}}", "save-test/busybox:1");
            Assert.That(inspect.Stdout.Trim(), Is.EqualTo(id));
        }
        finally
        {
            File.Delete(archive);
        }
    }

    [Test]
    public async Task Load_MultiLayerWithWhiteouts_ThreeLayersHistoryAndCleanRemoval()
    {
        var before = LayerDirCount();
        var load = await daemon.DockerAsync("load", "-i", TestImages.MultiLayerSaveTar);
        Assert.That(load.ExitCode, Is.Zero, load.ToString());
        Assert.That(load.Stdout, Does.Contain($"Loaded image: {TestImages.MultiLayerTag}"));
        var layers = await daemon.DockerAsync("image", "inspect", "--format", "{{len .RootFS.Layers}}", TestImages.MultiLayerTag);
        Assert.That(layers.Stdout.Trim(), Is.EqualTo("3"));
        var history = await daemon.DockerAsync("history", "--format", "{{.CreatedBy}}", TestImages.MultiLayerTag);
        Assert.That(history.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(4));
        Assert.That(LayerDirCount(), Is.EqualTo(before + 3));

        var whiteouts = Directory.EnumerateFileSystemEntries(Path.Combine(daemon.DataRoot, "overlay2"), "a.txt", SearchOption.AllDirectories)
            .Where(p => p.Contains("/diff/data/", StringComparison.Ordinal)).ToList();
        Assert.That(whiteouts, Has.Count.EqualTo(2), "layer 2 has the file, layer 3 its overlay whiteout");

        var rmi = await daemon.DockerAsync("rmi", TestImages.MultiLayerTag);
        Assert.That(rmi.ExitCode, Is.Zero, rmi.ToString());
        Assert.That(LayerDirCount(), Is.EqualTo(before));
    }

    [Test]
    public async Task Load_GarbageArchive_RefusedWithClearError()
    {
        var garbage = Path.Combine(Path.GetTempPath(), $"berth-garbage-{Guid.NewGuid():N}.tar");
        try
        {
            await File.WriteAllBytesAsync(garbage, new byte[4096]);
            var result = await daemon.DockerAsync("load", "-i", garbage);
            Assert.That(result.ExitCode, Is.Not.Zero);
            Assert.That(result.Stderr, Does.Contain("manifest.json").Or.Contain("invalid archive"));
        }
        finally
        {
            File.Delete(garbage);
        }
    }

    [Test]
    public async Task PruneAll_UnusedImages_DeletedAndSpaceReported()
    {
        await ImportAsync("prune-test/x:1");
        var prune = await daemon.DockerAsync("image", "prune", "-a", "-f", "--filter", "until=2000-01-01T00:00:00Z");
        Assert.That(prune.ExitCode, Is.Zero, prune.ToString());
        Assert.That((await daemon.DockerAsync("image", "inspect", "prune-test/x:1")).ExitCode, Is.Zero, "until excludes images made after it");
        prune = await daemon.DockerAsync("image", "prune", "-a", "-f");
        Assert.That(prune.ExitCode, Is.Zero, prune.ToString());
        Assert.That(prune.Stdout, Does.Contain("Total reclaimed space"));
        Assert.That((await daemon.DockerAsync("image", "inspect", "prune-test/x:1")).ExitCode, Is.Not.Zero);
    }

    [Test]
    public async Task SystemDf_WithImages_ListsThem()
    {
        await ImportAsync("df-test/x:1");
        var df = await daemon.DockerAsync("system", "df", "--format", "{{.Type}}|{{.TotalCount}}");
        Assert.That(df.ExitCode, Is.Zero, df.ToString());
        Assert.That(df.Stdout, Does.Match(@"Images\|[1-9]"));
    }

    [Test]
    public async Task DockerDotNet_ListAndInspect_MatchTheCli()
    {
        var id = await ImportAsync("dotnet-test/x:1");
        using var client = daemon.Client();
        var list = await client.Images.ListImagesAsync(new Docker.DotNet.Models.ImagesListParameters());
        Assert.That(list.Select(i => i.ID), Does.Contain(id));
        var inspect = await client.Images.InspectImageAsync("dotnet-test/x:1");
        Assert.That(inspect.ID, Is.EqualTo(id));
        Assert.That(inspect.RepoTags, Does.Contain("dotnet-test/x:1"));
    }

    private async Task<string> ImportAsync(string tag)
    {
        var result = await daemon.DockerAsync("import", TestImages.BusyboxRootfsTar, tag);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return result.Stdout.Trim();
    }

    private int LayerDirCount()
    {
        var home = Path.Combine(daemon.DataRoot, "overlay2");
        return Directory.Exists(home)
            ? Directory.EnumerateDirectories(home).Count(d => !Path.GetFileName(d).StartsWith('.') && Path.GetFileName(d) is not ("l" or "snapshots"))
            : 0;
    }
}
