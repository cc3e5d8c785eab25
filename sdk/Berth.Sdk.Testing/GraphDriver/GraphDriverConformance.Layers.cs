using Berth.Sdk.Storage.Mounts;
using Berth.Sdk.GraphDriver;

namespace Berth.Sdk.Testing;

// Create, Exists, Remove, Get and Put, metadata and status: the layer store and its mounts.
public abstract partial class GraphDriverConformance
{
    [Test]
    public async Task Create_NewLayer_Exists()
    {
        await CreateAsync("layer");

        Assert.That(await Driver.ExistsAsync("layer", Cancellation), Is.True);
    }

    [Test]
    public async Task Init_RepeatedWithTheSameHome_LayersKept()
    {
        await CreateAsync("layer");

        await Driver.InitAsync(new GraphDriverInitRequest(Workspace.Root, [], [], []), Cancellation);

        Assert.That(await Driver.ExistsAsync("layer", Cancellation), Is.True,
            "berthd sends Init to every new process of the plugin, and a repeat may meet one that already serves");
    }

    [Test]
    public async Task Exists_UnknownLayer_ReturnsFalse()
    {
        Assert.That(await Driver.ExistsAsync("no-such-layer", Cancellation), Is.False);
    }

    [Test]
    public async Task Remove_Layer_NoLongerExists()
    {
        await CreateAsync("layer");

        await Driver.RemoveAsync("layer", Cancellation);

        Assert.That(await Driver.ExistsAsync("layer", Cancellation), Is.False);
    }

    [Test]
    public async Task Remove_Twice_SecondSucceeds()
    {
        await CreateAsync("layer");
        await Driver.RemoveAsync("layer", Cancellation);

        Assert.That(() => Driver.RemoveAsync("layer", Cancellation), Throws.Nothing,
            "Remove is idempotent, as Moby's drivers: berthd repeats a removal a crash interrupted");
    }

    [Test]
    public async Task Create_UnknownParent_Throws()
    {
        await ConformanceAssert.ThrowsBerthAsync(() => CreateAsync("child", "no-such-parent"));

        Assert.That(await Driver.ExistsAsync("child", Cancellation), Is.False, "a refused create leaves nothing behind");
    }

    [Test]
    public async Task Create_ExistingId_ThrowsConflict()
    {
        await CreateAsync("layer");

        await ConformanceAssert.ThrowsBerthAsync(() => CreateAsync("layer"), BerthErrorKind.Conflict);
        await ConformanceAssert.ThrowsBerthAsync(() => CreateReadWriteAsync("layer"), BerthErrorKind.Conflict);
    }

    [Test]
    public async Task Get_UnknownLayer_ThrowsNotFound()
    {
        await ConformanceAssert.ThrowsBerthAsync(() => Driver.GetAsync("no-such-layer", null, Cancellation), BerthErrorKind.NotFound);
    }

    [Test]
    public async Task Get_LayerWithoutParent_ReturnsItsDirectory()
    {
        Privileges.RequireRoot();
        await CreateLayerAsync("base", null, new LayerTarBuilder().File("hello.txt", "hello"));

        var content = await WithLayerAsync("base", dir => File.ReadAllText(Path.Combine(dir, "hello.txt")));

        Assert.That(content, Is.EqualTo("hello"));
    }

    [Test]
    public async Task Get_LayerWithParents_ShowsLayerPlusParents()
    {
        Privileges.RequireRoot();
        await CreateChainAsync();

        var tree = await CaptureAsync("top");

        Assert.Multiple(() =>
        {
            Assert.That(tree.Contains("etc/hostname"), Is.True, "from the first layer");
            Assert.That(tree.Contains("etc/added-in-2"), Is.True, "from the second layer");
            Assert.That(tree.ChildrenOf("opaque"), Is.EqualTo(new[] { "new" }), "the third layer's opaque directory");
            Assert.That(tree.Contains("etc/gone"), Is.False, "whited out by the second layer");
            Assert.That(tree.Contains("keep"), Is.False, "directory whited out by the second layer");
            Assert.That(tree.Find("data/secret") is { Uid: 1000, Gid: 1001 }, Is.True, "ownership kept");
            Assert.That(tree.Find("bin/tool")?.Mode, Is.EqualTo(FileModes.Octal("4755")), "setuid kept");
            Assert.That(tree.Find("etc/link")?.LinkTarget, Is.EqualTo("hostname"), "symlink kept");
            Assert.That(tree.Find("bin/tool-link")?.HardLinkGroup, Is.EqualTo("bin/tool"), "hard link kept");
        });
    }

    [Test]
    public async Task Get_TwiceThenPut_StaysMountedUntilLastPut()
    {
        Privileges.RequireRoot();
        await CreateLayerAsync("base", null, StandardLayers.Base());
        await CreateReadWriteAsync("rw", "base");

        var first = await Driver.GetAsync("rw", null, Cancellation);
        var second = await Driver.GetAsync("rw", null, Cancellation);
        var mounted = Mountinfo.IsMountPoint(first);
        await Driver.PutAsync("rw", Cancellation);
        var afterFirstPut = Mountinfo.IsMountPoint(first);
        var stillReadable = File.Exists(Path.Combine(first, "etc/hostname"));
        await Driver.PutAsync("rw", Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first), "Get answers the same directory each time");
            Assert.That(stillReadable, Is.True, "after one Put of two Gets the layer is still there");
            if (mounted)
            {
                Assert.That(afterFirstPut, Is.True, "after one Put of two Gets the layer stays mounted");
                Assert.That(Mountinfo.IsMountPoint(first), Is.False, "the last Put unmounts");
            }
        });
    }

    [Test]
    public async Task Remove_WhileMounted_UnmountsAndRemoves()
    {
        Privileges.RequireRoot();
        await CreateLayerAsync("base", null, StandardLayers.Base());
        await CreateReadWriteAsync("rw", "base");
        var path = await Driver.GetAsync("rw", null, Cancellation);

        await Driver.RemoveAsync("rw", Cancellation);

        var exists = await Driver.ExistsAsync("rw", Cancellation);
        Assert.Multiple(() =>
        {
            Assert.That(exists, Is.False);
            Assert.That(Mountinfo.IsMountPoint(path), Is.False, "Remove unmounts a layer still in use");
        });
    }

    [Test]
    public async Task GetMetadata_Layer_ReturnsDirectories()
    {
        await CreateAsync("base");
        await CreateAsync("child", "base");

        var metadata = await Driver.GetMetadataAsync("child", Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(metadata, Is.Not.Empty);
            Assert.That(metadata.Keys.Where(k => k.EndsWith("Dir", StringComparison.Ordinal)), Is.Not.Empty, "keys such as UpperDir and MergedDir");
            Assert.That(metadata.Where(kv => string.IsNullOrEmpty(kv.Value)).Select(kv => kv.Key), Is.Empty, "no empty values");
        });
        WireCheck.AssertRoundTrips(metadata);
    }

    [Test]
    public async Task GetMetadata_UnknownLayer_ThrowsNotFound()
    {
        await ConformanceAssert.ThrowsBerthAsync(() => Driver.GetMetadataAsync("no-such-layer", Cancellation), BerthErrorKind.NotFound);
    }

    [Test]
    public async Task Status_Always_ReturnsKeyValuePairs()
    {
        var status = await Driver.StatusAsync(Cancellation);

        Assert.That(status, Is.Not.Empty);
        Assert.That(status.Where(pair => pair.Count != 2 || string.IsNullOrEmpty(pair[0])), Is.Empty, "each entry is [key, value]");
        WireCheck.AssertRoundTrips(status);
    }

    [Test]
    public async Task Capabilities_Always_Answers()
    {
        var capabilities = await Driver.CapabilitiesAsync(Cancellation);

        WireCheck.AssertRoundTrips(capabilities);
    }

    /// <summary>base ← middle ← top: <see cref="StandardLayers"/> 1, 2 and 3.</summary>
    private async Task CreateChainAsync()
    {
        await CreateLayerAsync("base", null, StandardLayers.Base());
        await CreateLayerAsync("middle", "base", StandardLayers.Deletions());
        await CreateLayerAsync("top", "middle", StandardLayers.Opaque());
    }
}
