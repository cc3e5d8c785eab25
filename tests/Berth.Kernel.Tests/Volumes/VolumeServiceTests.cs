using Berth.Kernel.Volumes;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Volumes;

public class VolumeServiceTests
{
    private VolumeTestRoot root = null!;
    private VolumeService volumes = null!;

    [SetUp]
    public async Task SetUp()
    {
        root = new VolumeTestRoot();
        volumes = await root.LoadAsync();
    }

    [TearDown]
    public void TearDown() => root.Dispose();

    private static readonly CancellationToken None = CancellationToken.None;

    [Test]
    public async Task CreateAsync_Named_LaysOutFoldersAsMobyAndPublishesCreate()
    {
        var volume = await volumes.CreateAsync("data", null, null, new Dictionary<string, string> { ["tier"] = "db" }, None);

        Assert.That(volume.Mountpoint, Is.EqualTo(Path.Combine(root.Root, "data", "_data")));
        Assert.That(volume.Driver, Is.EqualTo("local"));
        Assert.That(volume.Labels, Is.EquivalentTo(new Dictionary<string, string> { ["tier"] = "db" }));
        Assert.That(volume.IsAnonymous, Is.False);
        Assert.That(volume.CreatedAt, Is.EqualTo(VolumeTestRoot.Start));
        Assert.That(File.GetUnixFileMode(root.Root), Is.EqualTo((UnixFileMode)Convert.ToInt32("701", 8)));
        Assert.That(File.GetUnixFileMode(Path.Combine(root.Root, "data")), Is.EqualTo((UnixFileMode)Convert.ToInt32("701", 8)));
        Assert.That(File.GetUnixFileMode(volume.Mountpoint), Is.EqualTo((UnixFileMode)Convert.ToInt32("755", 8)));
        Assert.That(File.Exists(Path.Combine(root.Root, "data", "opts.json")), Is.True);
        var created = root.Published().Single();
        Assert.That((created.Type, created.Action, created.Actor.ID, created.Actor.Attributes["driver"]), Is.EqualTo(("volume", "create", "data", "local")));
    }

    [Test]
    public async Task CreateAsync_ExistingName_ReturnsTheFirstVolumeWithoutAnEvent()
    {
        var first = await volumes.CreateAsync("data", "local", null, new Dictionary<string, string> { ["a"] = "1" }, None);
        var again = await volumes.CreateAsync("data", "", null, new Dictionary<string, string> { ["b"] = "2" }, None);

        Assert.That(again, Is.SameAs(first));
        Assert.That(again.Labels.Keys, Is.EqualTo(new[] { "a" }));
        Assert.That(root.Published(), Has.Count.EqualTo(1), "only the first create published");
    }

    [Test]
    public async Task CreateAsync_NoName_AnonymousHexNameWithTheAnonymousLabel()
    {
        var volume = await volumes.CreateAnonymousAsync(None);

        Assert.That(volume.Name, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(volume.Labels, Is.EquivalentTo(new Dictionary<string, string> { ["com.docker.volume.anonymous"] = "" }));
        Assert.That(volume.IsAnonymous, Is.True);
    }

    [TestCase("a/b")]
    [TestCase("-dash")]
    [TestCase("/abs")]
    [TestCase("x y")]
    public void CreateAsync_InvalidName_InvalidWithMobysMessage(string name)
    {
        var ex = Assert.ThrowsAsync<BerthException>(() => volumes.CreateAsync(name, null, null, null, None));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Is.EqualTo($"create {name}: \"{name}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path"));
        Assert.That(Directory.EnumerateFileSystemEntries(root.Root), Is.Empty);
    }

    [Test]
    public void CreateAsync_OneCharacterName_TooShort()
    {
        var ex = Assert.ThrowsAsync<BerthException>(() => volumes.CreateAsync("a", null, null, null, None));
        Assert.That(ex!.Message, Is.EqualTo("create a: volume name is too short, names should be at least two alphanumeric characters"));
    }

    [Test]
    public void CreateAsync_OtherDriver_PluginNotFound()
    {
        var ex = Assert.ThrowsAsync<BerthException>(() => volumes.CreateAsync("data", "flocker", null, null, None));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.NotFound));
        Assert.That(ex.Message, Is.EqualTo("create data: error looking up volume plugin flocker: plugin \"flocker\" not found"));
    }

    [Test]
    public void CreateAsync_DriverIsADockerV1Plugin_NotImplementedNamingWhatIsMissing()
    {
        volumes.UseDriverPlugins(name => name == "flocker" ? "/run/docker/plugins/flocker.sock" : null);

        var ex = Assert.ThrowsAsync<BerthException>(() => volumes.CreateAsync("data", "flocker", null, null, None));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.NotImplemented));
        Assert.That(ex.Message, Is.EqualTo("create data: volume plugin \"flocker\" was found (/run/docker/plugins/flocker.sock) but Berth does not support volume driver plugins yet; only the \"local\" driver can create volumes"));
        Assert.That(volumes.Find("data"), Is.Null);
    }

    [TestCase("foo", "1", "create data: invalid option: \"foo\"")]
    [TestCase("type", "tmpfs", "create data: missing required option: \"device\"")]
    [TestCase("size", "10m", "create data: quota size requested but no quota support")]
    [TestCase("size", "lots", "create data: invalid size: 'lots'")]
    public void CreateAsync_BadOption_InvalidWithMobysMessage(string key, string value, string message)
    {
        var ex = Assert.ThrowsAsync<BerthException>(() => volumes.CreateAsync("data", null, new Dictionary<string, string> { [key] = value }, null, None));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Is.EqualTo(message));
    }

    [Test]
    public void CreateAsync_OptionsWithoutType_MissingType()
    {
        var opts = new Dictionary<string, string> { ["o"] = "size=1m", ["device"] = "tmpfs" };
        var ex = Assert.ThrowsAsync<BerthException>(() => volumes.CreateAsync("data", null, opts, null, None));
        Assert.That(ex!.Message, Is.EqualTo("create data: missing required option: \"type\""));
    }

    [Test]
    public async Task CreateAsync_DeviceOptions_KeptAndSurviveARestart()
    {
        var opts = new Dictionary<string, string> { ["type"] = "tmpfs", ["device"] = "tmpfs", ["o"] = "size=1m,uid=1000" };
        await volumes.CreateAsync("scratch", null, opts, new Dictionary<string, string> { ["k"] = "v" }, None);

        var reloaded = (await root.LoadAsync()).Get("scratch");

        Assert.That(reloaded.Options, Is.EquivalentTo(opts));
        Assert.That(reloaded.Labels, Is.EquivalentTo(new Dictionary<string, string> { ["k"] = "v" }));
        Assert.That(reloaded.CreatedAt, Is.EqualTo(VolumeTestRoot.Start));
        Assert.That(reloaded.NeedsMount, Is.True);
    }

    [Test]
    public void Get_Missing_NotFoundWithMobysMessage()
    {
        var ex = Assert.Throws<BerthException>(() => volumes.Get("nope"));
        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.NotFound));
        Assert.That(ex.Message, Is.EqualTo("get nope: no such volume"));
    }

    [Test]
    public async Task RemoveAsync_Unused_DeletesFolderAndPublishesDestroy()
    {
        var volume = await volumes.CreateAsync("data", null, null, null, None);
        await File.WriteAllTextAsync(Path.Combine(volume.Mountpoint, "f"), "x");

        await volumes.RemoveAsync("data", force: false, None);

        Assert.That(volumes.Find("data"), Is.Null);
        Assert.That(Directory.EnumerateFileSystemEntries(root.Root), Is.Empty);
        Assert.That(root.Published().Select(e => e.Action), Is.EqualTo(new[] { "create", "destroy" }));
    }

    [Test]
    public async Task RemoveAsync_ReferencedByContainers_ConflictListingThem()
    {
        await volumes.CreateAsync("data", null, null, null, None);
        root.Usage.Containers["data"] = ["c1", "c2"];

        var ex = Assert.ThrowsAsync<BerthException>(() => volumes.RemoveAsync("data", force: true, None));

        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.Conflict));
        Assert.That(ex.Message, Is.EqualTo("remove data: volume is in use - [c1, c2]"));
        Assert.That(volumes.Find("data"), Is.Not.Null);
    }

    [Test]
    public async Task RemoveAsync_MountedByAContainer_ConflictUntilUnmounted()
    {
        await volumes.CreateAsync("data", null, null, null, None);
        var path = await volumes.MountAsync("data", "c9", None);
        Assert.That(path, Is.EqualTo(volumes.Get("data").Mountpoint));

        var ex = Assert.ThrowsAsync<BerthException>(() => volumes.RemoveAsync("data", force: false, None));
        Assert.That(ex!.Message, Is.EqualTo("remove data: volume is in use - [c9]"));

        await volumes.UnmountAsync("data", "c9", None);
        await volumes.RemoveAsync("data", force: false, None);
        Assert.That(volumes.Find("data"), Is.Null);
    }

    [Test]
    public void RemoveAsync_MissingWithoutForce_NotFound()
    {
        var ex = Assert.ThrowsAsync<BerthException>(() => volumes.RemoveAsync("ghost", force: false, None));
        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.NotFound));
        Assert.That(ex.Message, Is.EqualTo("get ghost: no such volume"));
    }

    [Test]
    public void RemoveAsync_MissingWithForce_Succeeds() =>
        Assert.DoesNotThrowAsync(() => volumes.RemoveAsync("ghost", force: true, None));

    [Test]
    public async Task UsageOf_DataAndUsers_CountsBytesAndContainers()
    {
        var volume = await volumes.CreateAsync("data", null, null, null, None);
        await File.WriteAllBytesAsync(Path.Combine(volume.Mountpoint, "f"), new byte[1000]);
        root.Usage.Containers["data"] = ["c1"];
        await volumes.MountAsync("data", "c2", None);

        var usage = volumes.UsageOf(volume);

        Assert.That(usage.Size, Is.GreaterThanOrEqualTo(1000));
        Assert.That(usage.RefCount, Is.EqualTo(2));
        Assert.That(volumes.Users("data"), Is.EqualTo(new[] { "c1", "c2" }));
    }

    [Test]
    public async Task PublishMountAndUnmount_Attributes_AsMoby()
    {
        volumes.PublishMount("data", "c1", "/var/lib/data", readWrite: true, "rprivate");
        volumes.PublishUnmount("data", "c1");

        var published = root.Published();
        var mount = published[0];
        Assert.That(mount.Action, Is.EqualTo("mount"));
        Assert.That(mount.Actor.Attributes, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["driver"] = "local", ["container"] = "c1", ["destination"] = "/var/lib/data", ["read/write"] = "true", ["propagation"] = "rprivate",
        }));
        Assert.That(published[1].Action, Is.EqualTo("unmount"));
        Assert.That(published[1].Actor.Attributes, Is.EquivalentTo(new Dictionary<string, string> { ["driver"] = "local", ["container"] = "c1" }));
    }
}
