using Berth.Kernel.Volumes;
using Berth.Sdk;

namespace Berth.Kernel.Tests.Volumes;

public class VolumeFilterAndPruneTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private VolumeTestRoot root = null!;
    private VolumeService volumes = null!;
    private string anonymous = null!;

    /// <summary>web (labels app=web, tier=front), sql (app=db), a used anonymous one, an unused anonymous one, a tmpfs one.</summary>
    [SetUp]
    public async Task SetUp()
    {
        root = new VolumeTestRoot();
        volumes = await root.LoadAsync();
        await volumes.CreateAsync("web", null, null, new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }, None);
        await volumes.CreateAsync("sql", null, null, new Dictionary<string, string> { ["app"] = "db" }, None);
        var used = await volumes.CreateAnonymousAsync(None);
        root.Usage.Containers[used.Name] = ["c1"];
        anonymous = (await volumes.CreateAnonymousAsync(None)).Name;
        await volumes.CreateAsync("ram", null, new Dictionary<string, string> { ["type"] = "tmpfs", ["device"] = "tmpfs" }, null, None);
    }

    [TearDown]
    public void TearDown() => root.Dispose();

    private static Dictionary<string, IReadOnlyList<string>> Filters(params (string Key, string Value)[] pairs) =>
        pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(p => p.Value)]);

    private string[] ListNames(params (string, string)[] filters) => [.. volumes.List(Filters(filters)).Select(v => v.Name)];

    [Test]
    public void List_NoFilters_AllByName() =>
        Assert.That(ListNames(), Has.Length.EqualTo(5).And.Contains("web").And.Contains("ram"));

    [Test]
    public void List_NameFilter_ExactOrRegexAnywhere()
    {
        Assert.That(ListNames(("name", "we")), Is.EqualTo(new[] { "web" }));
        Assert.That(ListNames(("name", "^s")), Is.EqualTo(new[] { "sql" }), "the anonymous names are hex: no s, q, l, r, m or w");
        Assert.That(ListNames(("name", "sql"), ("name", "ram")), Is.EqualTo(new[] { "ram", "sql" }));
        Assert.That(ListNames(("name", "[")), Is.Empty, "an invalid expression matches nothing");
    }

    [Test]
    public void List_LabelFilters_AllMustHold()
    {
        Assert.That(ListNames(("label", "app")), Is.EqualTo(new[] { "sql", "web" }));
        Assert.That(ListNames(("label", "app=db")), Is.EqualTo(new[] { "sql" }));
        Assert.That(ListNames(("label", "app"), ("label", "tier=front")), Is.EqualTo(new[] { "web" }));
        Assert.That(ListNames(("label", "app=nothing")), Is.Empty);
    }

    [Test]
    public void List_DriverFilter_Exact()
    {
        Assert.That(ListNames(("driver", "local")), Has.Length.EqualTo(5));
        Assert.That(ListNames(("driver", "loc")), Is.Empty);
    }

    [Test]
    public void List_Dangling_ByContainerReferences()
    {
        var usedName = root.Usage.Containers.Keys.Single();
        Assert.That(ListNames(("dangling", "false")), Is.EqualTo(new[] { usedName }));
        Assert.That(ListNames(("dangling", "1")), Has.Length.EqualTo(4).And.Not.Contains(usedName));
    }

    [TestCase("dangling", "maybe", "invalid filter 'dangling=maybe'")]
    [TestCase("label!", "x", "invalid filter 'label!'")]
    [TestCase("until", "1h", "invalid filter 'until'")]
    public void List_BadFilter_Invalid(string key, string value, string message)
    {
        var ex = Assert.Throws<BerthException>(() => volumes.List(Filters((key, value))));
        Assert.That(ex!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(ex.Message, Is.EqualTo(message));
    }

    [Test]
    public async Task PruneAsync_Default_OnlyUnusedAnonymousVolumes()
    {
        await File.WriteAllBytesAsync(Path.Combine(volumes.Get(anonymous).Mountpoint, "f"), new byte[4096]);
        var report = await volumes.PruneAsync(VolumeFilters.ForPrune(null), None);

        Assert.That(report.VolumesDeleted, Is.EqualTo(new[] { anonymous }));
        Assert.That(report.SpaceReclaimed, Is.GreaterThanOrEqualTo(4096));
        Assert.That(volumes.List().Select(v => v.Name).ToList(), Has.Count.EqualTo(4).And.Contains("web").And.Contains("sql").And.Not.Contains(anonymous));
        var published = root.Published().Skip(5).ToList();
        Assert.That(published.Select(e => e.Action), Is.EqualTo(new[] { "destroy", "prune" }));
        Assert.That(published[1].Actor.Attributes["reclaimed"], Is.EqualTo(report.SpaceReclaimed.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task PruneAsync_All_NamedTooButNeverUsedOrWithOptions()
    {
        var report = await volumes.PruneAsync(VolumeFilters.ForPrune(Filters(("all", "true"))), None);

        Assert.That(report.VolumesDeleted, Is.EquivalentTo(new[] { "sql", "web", anonymous }));
        Assert.That(volumes.List().Select(v => v.Name), Is.EquivalentTo(new[] { "ram", root.Usage.Containers.Keys.Single() }));
    }

    [Test]
    public async Task PruneAsync_OldApi_PrunesNamedVolumesToo()
    {
        var report = await volumes.PruneAsync(VolumeFilters.ForPrune(null, allVolumes: true), None);
        Assert.That(report.VolumesDeleted, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task PruneAsync_LabelFilters_IncludeAndExclude()
    {
        var onlyApp = await volumes.PruneAsync(VolumeFilters.ForPrune(Filters(("all", "1"), ("label", "app"), ("label!", "app=db"))), None);
        Assert.That(onlyApp.VolumesDeleted, Is.EqualTo(new[] { "web" }));
    }

    [Test]
    public async Task PruneAsync_MountedVolume_Kept()
    {
        await volumes.MountAsync(anonymous, "c7", None);
        var report = await volumes.PruneAsync(VolumeFilters.ForPrune(null), None);
        Assert.That(report.VolumesDeleted, Is.Empty);
        Assert.That(report.SpaceReclaimed, Is.Zero);
    }

    [TestCase("all", "maybe", "invalid filter 'all': strconv.ParseBool: parsing \"maybe\": invalid syntax")]
    [TestCase("dangling", "true", "invalid filter 'dangling'")]
    public void ForPrune_BadFilter_Invalid(string key, string value, string message)
    {
        var ex = Assert.Throws<BerthException>(() => VolumeFilters.ForPrune(Filters((key, value))));
        Assert.That(ex!.Message, Is.EqualTo(message));
    }
}
