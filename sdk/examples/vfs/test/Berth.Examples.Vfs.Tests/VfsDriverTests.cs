using Berth.Sdk;
using Berth.Sdk.GraphDriver;
using Berth.Sdk.Testing;

namespace Berth.Examples.Vfs.Tests;

/// <summary>What is particular to vfs: its home survives a restarted process, and a crash leaves no half layer.</summary>
[TestFixture]
public sealed class VfsDriverTests
{
    private string root = "";

    [SetUp]
    public void CreateRoot() => root = Directory.CreateTempSubdirectory("vfs-example-").FullName;

    [TearDown]
    public void RemoveRoot() => Directory.Delete(root, recursive: true);

    [Test]
    public async Task Exists_NewProcessNotSentInit_FindsTheLayersOfTheHomeInitNamed()
    {
        var home = Path.Combine(root, "data-root", "vfs");
        var first = new VfsDriver(ConformanceKernelHost.Context("vfs", Path.Combine(root, "plugin")));
        await first.InitAsync(new GraphDriverInitRequest(home, [], [], []), CancellationToken.None);
        await first.CreateAsync(new GraphDriverCreateRequest("layer", null, null, null), CancellationToken.None);

        var restarted = new VfsDriver(ConformanceKernelHost.Context("vfs", Path.Combine(root, "plugin")));

        Assert.That(await restarted.ExistsAsync("layer", CancellationToken.None), Is.True);
        Assert.That(await restarted.GetAsync("layer", null, CancellationToken.None), Is.EqualTo(Path.Combine(home, "dir", "layer")));
    }

    [Test]
    public async Task Init_AfterACrashMidCreateOrRemove_RemovesTheLeftovers()
    {
        var home = Path.Combine(root, "data-root", "vfs");
        Directory.CreateDirectory(Path.Combine(home, "dir", ".pending-0123", "etc"));
        Directory.CreateDirectory(Path.Combine(home, "dir", ".removed-4567"));
        var driver = new VfsDriver(ConformanceKernelHost.Context("vfs", root));

        await driver.InitAsync(new GraphDriverInitRequest(home, [], [], []), CancellationToken.None);

        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(home, "dir")), Is.Empty);
    }

    [Test]
    public async Task Create_IdClimbingOut_ThrowsInvalidParameter()
    {
        var driver = new VfsDriver(ConformanceKernelHost.Context("vfs", root));
        await driver.InitAsync(new GraphDriverInitRequest(root, [], [], []), CancellationToken.None);

        var error = Assert.ThrowsAsync<BerthException>(() => driver.CreateAsync(new GraphDriverCreateRequest("../x", null, null, null), CancellationToken.None));

        Assert.That(error!.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
    }
}
