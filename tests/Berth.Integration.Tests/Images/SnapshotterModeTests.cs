using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Images;

/// <summary><c>--storage-driver overlayfs</c>: the kernel drives the overlay plugin's snapshotter instead of its graph driver.</summary>
[TestFixture]
public sealed class SnapshotterModeTests
{
    private BerthdInstance daemon = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => daemon = await BerthdInstance.StartAsync("--storage-driver", "overlayfs");

    [OneTimeTearDown]
    public async Task StopAsync() => await daemon.DisposeAsync();

    [Test]
    public async Task LoadSaveRmi_MultiLayerImage_WorksThroughTheSnapshotter()
    {
        var info = await daemon.DockerAsync("info", "--format", "{{.Driver}}");
        Assert.That(info.Stdout.Trim(), Is.EqualTo("overlayfs"));
        var load = await daemon.DockerAsync("load", "-i", TestImages.MultiLayerSaveTar);
        Assert.That(load.ExitCode, Is.Zero, load.ToString());
        var snapshots = Path.Combine(daemon.DataRoot, "overlay2", "snapshots");
        Assert.That(Directory.EnumerateFiles(snapshots, "*.json").Count(), Is.EqualTo(3), "three committed snapshots in the plugin's own index");
        Assert.That(Directory.Exists(Path.Combine(daemon.DataRoot, "image", "overlay2")), Is.False, "no graph-driver adapter index in snapshotter mode");

        var archive = Path.Combine(Path.GetTempPath(), $"berth-snap-{Guid.NewGuid():N}.tar");
        try
        {
            Assert.That((await daemon.DockerAsync("save", "-o", archive, TestImages.MultiLayerTag)).ExitCode, Is.Zero);
            Assert.That((await daemon.DockerAsync("rmi", TestImages.MultiLayerTag)).ExitCode, Is.Zero);
            Assert.That(Directory.EnumerateFiles(snapshots, "*.json"), Is.Empty, "rmi removes the snapshots");
            var again = await daemon.DockerAsync("load", "-i", archive);
            Assert.That(again.ExitCode, Is.Zero, again.ToString());
        }
        finally
        {
            File.Delete(archive);
        }
    }
}
