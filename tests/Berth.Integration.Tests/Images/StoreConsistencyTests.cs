using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Images;

/// <summary>Bad input and crashes leave the image store as it was: no half-registered image, layer or blob.</summary>
[TestFixture]
public sealed class StoreConsistencyTests
{
    [Test]
    public async Task Load_LayerNotMatchingItsDiffId_RefusedNothingRegistered()
    {
        await using var daemon = await BerthdInstance.StartAsync();
        var layers = new[] { TestImages.RandomFileLayer("a.bin", 4096), TestImages.RandomFileLayer("b.bin", 4096) };
        var lying = TestImages.SaveTar($"lying-{Guid.NewGuid():N}.tar", layers, "berth-test/lying:1", [TestImages.Sha256("not this"), TestImages.Sha256("nor this")]);
        var before = Snapshot(daemon);
        var load = await daemon.DockerAsync("load", "-i", lying);
        Assert.That(load.ExitCode, Is.Not.Zero, load.ToString());
        Assert.That(load.Stderr, Does.Contain("layer verification failed"));
        Assert.That(Snapshot(daemon), Is.EqualTo(before), "no layer, blob or image was left behind");
        Assert.That((await daemon.DockerAsync("image", "inspect", "berth-test/lying:1")).ExitCode, Is.Not.Zero);
    }

    [Test]
    public async Task Load_OciLayoutNamingMissingBlob_RefusedWithItsName()
    {
        await using var daemon = await BerthdInstance.StartAsync();
        var before = Snapshot(daemon);
        var load = await daemon.DockerAsync("load", "-i", TestImages.OciLayoutMissingLayer());
        Assert.That(load.ExitCode, Is.Not.Zero, load.ToString());
        Assert.That(load.Stderr, Does.Contain("blobs/sha256/").And.Contain("missing"));
        Assert.That(Snapshot(daemon), Is.EqualTo(before));
    }

    [Test]
    public async Task Import_DiskFillsMidApply_NothingHalfRegistered()
    {
        var root = Directory.CreateTempSubdirectory("berth-full.").FullName;
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        // Sized so the bundled plugins (~4.5 MB installed), the busybox image and a 4 MB blob fit, but not the applied copy too.
        var mounted = await Processes.RunAsync("mount", ["-t", "tmpfs", "-o", "size=15m", "tmpfs", data]);
        Assert.That(mounted.ExitCode, Is.Zero, mounted.ToString());
        try
        {
            var daemon = await BerthdInstance.StartInAsync(root);
            try
            {
                Assert.That((await daemon.DockerAsync("import", TestImages.BusyboxRootfsTar, "full/busybox:1")).ExitCode, Is.Zero);
                var before = Snapshot(daemon);
                // 4 MB of random data: the blob fits in the content store, the applied copy does not.
                var big = TestImages.SaveTar($"big-{Guid.NewGuid():N}.tar", [TestImages.RandomFileLayer("big.bin", 4 << 20)], "full/big:1", null);
                var load = await daemon.DockerAsync("load", "-i", big);
                Assert.That(load.ExitCode, Is.Not.Zero, load.ToString());
                Assert.That(load.Stderr, Does.Contain("no space left on device"));
                Assert.That(Snapshot(daemon), Is.EqualTo(before), "the half-applied layer and its blob are gone");
                Assert.That((await daemon.DockerAsync("image", "inspect", "full/busybox:1")).ExitCode, Is.Zero, "what was there stays usable");
                File.Delete(big);
            }
            finally
            {
                await daemon.StopAsync();
                await daemon.DisposeAsync();
            }
        }
        finally
        {
            await Processes.RunAsync("umount", ["-l", data]);
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public async Task DaemonKilledDuringLoad_RestartsConsistentAndLoadsAgain()
    {
        var daemon = await BerthdInstance.StartAsync();
        try
        {
            var layers = Enumerable.Range(0, 4).Select(i => TestImages.RandomFileLayer($"f{i}.bin", 24 << 20)).ToList();
            var archive = TestImages.SaveTar($"killed-{Guid.NewGuid():N}.tar", layers, "berth-test/killed:1", null);
            var load = daemon.DockerAsync("load", "-i", archive);
            await Task.Delay(700);
            await Processes.RunAsync("kill", ["-KILL", daemon.Pid.ToString(global::System.Globalization.CultureInfo.InvariantCulture)]);
            await load;
            daemon = await daemon.RestartAsync();

            var inspect = await daemon.DockerAsync("image", "inspect", "--format", "{{len .RootFS.Layers}}", "berth-test/killed:1");
            Assert.That(inspect.ExitCode == 0 ? inspect.Stdout.Trim() : "absent", Is.AnyOf("4", "absent"), "an image is there whole or not at all");
            var again = await daemon.DockerAsync("load", "-i", archive);
            Assert.That(again.ExitCode, Is.Zero, again.ToString());
            Assert.That((await daemon.DockerAsync("rmi", "berth-test/killed:1")).ExitCode, Is.Zero);
            File.Delete(archive);
            Assert.That(await WaitForNoExtractionSnapshotsAsync(daemon), Is.True, "unfinished snapshots are reclaimed after the restart");
        }
        finally
        {
            await daemon.DisposeAsync();
        }
    }

    /// <summary>Layer folders, blobs, layer and image records: what a failed operation must not change.</summary>
    private static string Snapshot(BerthdInstance daemon)
    {
        static int Count(string dir) => Directory.Exists(dir)
            ? Directory.EnumerateFileSystemEntries(dir).Count(p => !Path.GetFileName(p).StartsWith('.') && Path.GetFileName(p) is not ("l" or "snapshots"))
            : 0;
        var image = Path.Combine(daemon.DataRoot, "image");
        return $"overlay2={Count(Path.Combine(daemon.DataRoot, "overlay2"))} blobs={Count(Path.Combine(image, "content", "blobs", "sha256"))} " +
               $"ingest={Count(Path.Combine(image, "content", "ingest"))} layers={Count(Path.Combine(image, "layers"))} images={Count(Path.Combine(image, "images"))}";
    }

    private static async Task<bool> WaitForNoExtractionSnapshotsAsync(BerthdInstance daemon)
    {
        var index = Path.Combine(daemon.DataRoot, "image", "overlay2", "snapshots");
        for (var i = 0; i < 50; i++)
        {
            var active = Directory.Exists(index) && Directory.EnumerateFiles(index, "*.json").Any(f => File.ReadAllText(f).Contains("\"extract-", StringComparison.Ordinal));
            if (!active) return true;
            await Task.Delay(100);
        }
        return false;
    }
}
