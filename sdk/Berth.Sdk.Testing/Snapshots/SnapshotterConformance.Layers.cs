namespace Berth.Sdk.Testing;

// Layers on snapshots: a chain of applied layers mounted and merged (whiteouts, opaque directories, metadata).
public abstract partial class SnapshotterConformance
{
    [Test]
    public async Task Mount_ChainOfThreeLayers_ShowsFilesOfEveryLayer()
    {
        Privileges.RequireRoot();

        var tree = await CaptureChainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(tree.Find("etc/hostname")?.Sha256, Is.EqualTo(Sha("layer1")), "a file added in layer 1");
            Assert.That(tree.Find("etc/added-in-2")?.Type, Is.EqualTo(TreeEntryType.File), "a file added in layer 2");
            Assert.That(tree.Find("etc/hosts")?.Sha256, Is.EqualTo(Sha("hosts from layer 2")), "a file replaced in layer 2");
            Assert.That(tree.Find("top.txt")?.Sha256, Is.EqualTo(Sha("written in top")), "a file written into the active snapshot");
        });
    }

    [Test]
    public async Task Mount_ChainOfThreeLayers_HidesWhiteoutFiles()
    {
        Privileges.RequireRoot();

        var tree = await CaptureChainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(tree.Contains("etc/gone"), Is.False, "a file whited out in layer 2");
            Assert.That(tree.Contains("keep"), Is.False, "a directory whited out in layer 2");
            Assert.That(tree.Contains("keep/deep/file"), Is.False);
            Assert.That(tree.Entries.Where(e => e.Path.Contains(".wh.", StringComparison.Ordinal)), Is.Empty, "whiteout files are never shown");
        });
    }

    [Test]
    public async Task Mount_ChainOfThreeLayers_OpaqueDirHidesLowerContents()
    {
        Privileges.RequireRoot();

        var tree = await CaptureChainAsync();

        Assert.That(tree.ChildrenOf("opaque"), Is.EqualTo(new[] { "new" }));
    }

    [Test]
    public async Task Mount_ChainOfThreeLayers_PreservesModesAndOwnership()
    {
        Privileges.RequireRoot();

        var tree = await CaptureChainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(Describe(tree.Find("bin/tool")), Is.EqualTo("File 4755 0:0"), "setuid executable");
            Assert.That(Describe(tree.Find("data")), Is.EqualTo("Directory 700 1000:1000"));
            Assert.That(Describe(tree.Find("data/secret")), Is.EqualTo("File 600 1000:1001"));
            Assert.That(Describe(tree.Find("tmp")), Is.EqualTo("Directory 1777 0:0"), "sticky directory");
            Assert.That(Describe(tree.Find("etc/hosts")), Is.EqualTo("File 640 0:42"), "metadata of the layer that replaced it");
        });
    }

    [Test]
    public async Task Mount_ChainOfThreeLayers_PreservesSymlinksAndHardLinks()
    {
        Privileges.RequireRoot();

        var tree = await CaptureChainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(tree.Find("etc/link")?.LinkTarget, Is.EqualTo("hostname"), "relative symlink");
            Assert.That(tree.Find("abs-link")?.LinkTarget, Is.EqualTo("/etc/hostname"), "absolute symlink, not resolved on the host");
            Assert.That(tree.Find("bin/tool-link")?.HardLinkGroup, Is.EqualTo("bin/tool"), "hard link shares the inode");
            Assert.That(tree.Find("bin/tool")?.HardLinkGroup, Is.EqualTo("bin/tool"));
        });
    }

    [Test]
    public async Task Mount_ChainOfThreeLayers_PreservesSpecialFiles()
    {
        Privileges.RequireRoot();

        var tree = await CaptureChainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(tree.Find("dev/null")?.Type, Is.EqualTo(TreeEntryType.CharDevice));
            Assert.That(tree.Find("dev/null")?.Device, Is.EqualTo("1:3"));
            Assert.That(tree.Find("run/pipe")?.Type, Is.EqualTo(TreeEntryType.Fifo));
        });
    }

    [Test]
    public async Task Mount_ChainOf32Layers_ShowsEachLayersChange()
    {
        Privileges.RequireRoot();
        string? parent = null;
        for (var i = 0; i < 32; i++)
        {
            var layer = new LayerTarBuilder().File($"layer-{i}", $"{i}");
            if (i > 0) layer.Whiteout($"layer-{i - 1}");
            await CommitLayerAsync($"layer{i}", parent, layer);
            parent = $"layer{i}";
        }
        var mounts = await PrepareAsync("top", parent);

        using var mounted = MountAt(mounts);
        var tree = TreeSnapshot.Capture(mounted.Path);

        Assert.That(tree.ChildrenOf(""), Is.EqualTo(new[] { "layer-31" }), "each layer adds a file and deletes the one before");
    }

    /// <summary>
    /// Commits three layers — files, modes, owners, links and devices; then whiteouts and replacements; then an opaque
    /// directory — prepares an active snapshot on top, writes a file through its mount and captures the merged tree.
    /// </summary>
    private async Task<TreeSnapshot> CaptureChainAsync()
    {
        await CommitLayerAsync("layer1", null, StandardLayers.Base());
        await CommitLayerAsync("layer2", "layer1", StandardLayers.Deletions());
        await CommitLayerAsync("layer3", "layer2", StandardLayers.Opaque());
        var mounts = await PrepareAsync("top", "layer3");
        using var mounted = MountAt(mounts);
        await File.WriteAllTextAsync(mounted.Combine("top.txt"), "written in top", Cancellation);
        return TreeSnapshot.Capture(mounted.Path);
    }

    private static string Describe(TreeEntry? entry) =>
        entry is null ? "missing" : $"{entry.Type} {Convert.ToString(entry.Mode, 8)} {entry.Uid}:{entry.Gid}";

    private static string Sha(string content) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)));
}
