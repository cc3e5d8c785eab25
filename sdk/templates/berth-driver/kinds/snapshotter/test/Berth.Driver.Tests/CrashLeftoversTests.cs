using Berth.Sdk.Testing;

namespace Berth.Driver.Tests;

/// <summary>
/// What the kit cannot see from outside: trees a crash left behind (a copy cut short, a remove whose record was gone
/// first) are removed when a new process loads, and a snapshot's own tree is kept. These know the generated layout
/// (<c>trees/</c> under the plugin's root); change them with it.
/// </summary>
[TestFixture]
public sealed class CrashLeftoversTests
{
    private string root = "";

    [SetUp]
    public void SetUp() => root = Directory.CreateTempSubdirectory("berth-driver-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(root, recursive: true);

    [Test]
    public async Task Load_TreesWithoutRecords_RemovedAndSnapshotsKept()
    {
        var first = new Driver(ConformanceKernelHost.Context("berth-driver-plugin-name", root));
        await first.PrepareAsync("kept", null, null, CancellationToken.None);
        var trees = Path.Combine(root, "trees");
        var kept = Directory.GetDirectories(trees).Single();
        Directory.CreateDirectory(Path.Combine(trees, ".creating-cut-short", "etc"));
        Directory.CreateDirectory(Path.Combine(trees, "0123456789abcdef0123456789abcdef"));

        var restarted = new Driver(ConformanceKernelHost.Context("berth-driver-plugin-name", root));
        var snapshots = await restarted.WalkAsync([], CancellationToken.None);

        Assert.That(snapshots.Select(s => s.Name), Is.EqualTo(new[] { "kept" }));
        Assert.That(Directory.GetDirectories(trees), Is.EqualTo(new[] { kept }), "only the tree a record names is left");
    }
}
