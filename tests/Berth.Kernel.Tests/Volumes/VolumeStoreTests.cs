using Berth.Kernel.Volumes;

namespace Berth.Kernel.Tests.Volumes;

public class VolumeStoreTests
{
    private VolumeTestRoot root = null!;

    [SetUp]
    public void SetUp() => root = new VolumeTestRoot();

    [TearDown]
    public void TearDown() => root.Dispose();

    [Test]
    public async Task LoadAsync_CrashLeftovers_RemovedAndNotListed()
    {
        Directory.CreateDirectory(Path.Combine(root.Root, ".create-0123", "_data"));
        Directory.CreateDirectory(Path.Combine(root.Root, ".remove-4567", "_data", "deep"));

        var volumes = await root.LoadAsync();

        Assert.That(volumes.List(), Is.Empty);
        Assert.That(Directory.EnumerateFileSystemEntries(root.Root), Is.Empty);
    }

    [Test]
    public async Task LoadAsync_FolderWithDataButNoMetadata_AdoptedAsPlainVolume()
    {
        var data = Directory.CreateDirectory(Path.Combine(root.Root, "legacy", "_data")).FullName;
        await File.WriteAllTextAsync(Path.Combine(data, "keep"), "me");

        var volume = (await root.LoadAsync()).Get("legacy");

        Assert.That(volume.Options, Is.Empty);
        Assert.That(volume.Labels, Is.Empty);
        Assert.That(File.Exists(Path.Combine(root.Root, "legacy", "opts.json")), Is.True, "its metadata is written once adopted");
        Assert.That(await File.ReadAllTextAsync(Path.Combine(volume.Mountpoint, "keep")), Is.EqualTo("me"));
    }

    [Test]
    public async Task LoadAsync_EmptyFolder_Removed()
    {
        Directory.CreateDirectory(Path.Combine(root.Root, "halfmade"));

        var volumes = await root.LoadAsync();

        Assert.That(volumes.Find("halfmade"), Is.Null);
        Assert.That(Directory.Exists(Path.Combine(root.Root, "halfmade")), Is.False);
    }

    [Test]
    public async Task LoadAsync_ForeignFolderOrUnreadableMetadata_LeftAlone()
    {
        var foreign = Directory.CreateDirectory(Path.Combine(root.Root, "notes")).FullName;
        await File.WriteAllTextAsync(Path.Combine(foreign, "readme"), "mine");
        var broken = Directory.CreateDirectory(Path.Combine(root.Root, "broken", "_data")).FullName;
        await File.WriteAllTextAsync(Path.Combine(root.Root, "broken", "opts.json"), "{not json");
        await File.WriteAllTextAsync(Path.Combine(root.Root, "metadata.db"), "moby's bolt file");

        var volumes = await root.LoadAsync();

        Assert.That(volumes.List(), Is.Empty);
        Assert.That(File.Exists(Path.Combine(foreign, "readme")), Is.True);
        Assert.That(Directory.Exists(broken), Is.True);
        var ex = Assert.ThrowsAsync<Berth.Sdk.BerthException>(() => volumes.CreateAsync("broken", null, null, null, CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain("exists but is not a volume"));
    }

    [Test]
    public async Task LoadAsync_MobyOptsJson_ReadAsDriverOptions()
    {
        Directory.CreateDirectory(Path.Combine(root.Root, "nfsvol", "_data"));
        await File.WriteAllTextAsync(Path.Combine(root.Root, "nfsvol", "opts.json"),
            """{"MountType":"nfs","MountOpts":"addr=10.0.0.1,rw","MountDevice":":/export","Quota":{"Size":0}}""");

        var volume = (await root.LoadAsync()).Get("nfsvol");

        Assert.That(volume.Options, Is.EquivalentTo(new Dictionary<string, string> { ["type"] = "nfs", ["o"] = "addr=10.0.0.1,rw", ["device"] = ":/export" }));
    }

    [Test]
    public async Task RemoveAsync_DataIsASymlinkOutside_OnlyTheLinkGoes()
    {
        var outside = root.Scratch("outside");
        await File.WriteAllTextAsync(Path.Combine(outside, "precious"), "x");
        var volumes = await root.LoadAsync();
        var volume = await volumes.CreateAsync("trick", null, null, null, CancellationToken.None);
        Directory.Delete(volume.Mountpoint);
        Directory.CreateSymbolicLink(volume.Mountpoint, outside);

        await volumes.RemoveAsync("trick", force: false, CancellationToken.None);

        Assert.That(File.Exists(Path.Combine(outside, "precious")), Is.True);
        Assert.That(Directory.Exists(Path.Combine(root.Root, "trick")), Is.False);
    }
}
