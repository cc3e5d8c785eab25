using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Images;

/// <summary>Images move between Berth and real Moby (dockerd from Debian's docker.io) through one registry and through save/load.</summary>
[TestFixture]
public sealed class MobyInteropTests
{
    private BerthdInstance berth = null!;
    private MobyDaemon moby = null!;
    private LocalRegistry registry = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (!MobyDaemon.Installed) Assert.Ignore($"{MobyDaemon.Binary} is not installed (apt-get install docker.io)");
        registry = await LocalRegistry.StartAsync(CancellationToken.None);
        berth = await BerthdInstance.StartAsync();
        moby = await MobyDaemon.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (moby is not null) await moby.DisposeAsync();
        if (berth is not null) await berth.DisposeAsync();
        if (registry is not null) await registry.DisposeAsync();
    }

    [Test]
    public async Task PushedByBerth_PulledByMoby_SameImageId()
    {
        var remote = $"{registry.Address}/interop/from-berth:1";
        var id = (await berth.DockerAsync("import", TestImages.BusyboxRootfsTar, remote)).Stdout.Trim();
        var push = await berth.DockerAsync("push", remote);
        Assert.That(push.ExitCode, Is.Zero, push.ToString());
        var pull = await moby.DockerAsync("pull", remote);
        Assert.That(pull.ExitCode, Is.Zero, pull.ToString());
        var inspect = await moby.DockerAsync("image", "inspect", "--format", "{{.Id}}", remote);
        Assert.That(inspect.Stdout.Trim(), Is.EqualTo(id));
    }

    [Test]
    public async Task PushedByMoby_PulledByBerth_SameImageId()
    {
        var remote = $"{registry.Address}/interop/from-moby:1";
        Assert.That((await moby.DockerAsync("load", "-i", TestImages.MultiLayerSaveTar)).ExitCode, Is.Zero);
        Assert.That((await moby.DockerAsync("tag", TestImages.MultiLayerTag, remote)).ExitCode, Is.Zero);
        var id = (await moby.DockerAsync("image", "inspect", "--format", "{{.Id}}", remote)).Stdout.Trim();
        var push = await moby.DockerAsync("push", remote);
        Assert.That(push.ExitCode, Is.Zero, push.ToString());
        var pull = await berth.DockerAsync("pull", remote);
        Assert.That(pull.ExitCode, Is.Zero, pull.ToString());
        var inspect = await berth.DockerAsync("image", "inspect", "--format", "{{.Id}}", remote);
        Assert.That(inspect.Stdout.Trim(), Is.EqualTo(id));
    }

    [Test]
    public async Task SavedByBerth_LoadedByMoby_SameImageId()
    {
        var archive = Path.Combine(Path.GetTempPath(), $"berth-interop-{Guid.NewGuid():N}.tar");
        try
        {
            Assert.That((await berth.DockerAsync("load", "-i", TestImages.MultiLayerSaveTar)).ExitCode, Is.Zero);
            var id = (await berth.DockerAsync("image", "inspect", "--format", "{{.Id}}", TestImages.MultiLayerTag)).Stdout.Trim();
            Assert.That((await berth.DockerAsync("save", "-o", archive, TestImages.MultiLayerTag)).ExitCode, Is.Zero);
            var load = await moby.DockerAsync("load", "-i", archive);
            Assert.That(load.ExitCode, Is.Zero, load.ToString());
            var inspect = await moby.DockerAsync("image", "inspect", "--format", "{{.Id}}", TestImages.MultiLayerTag);
            Assert.That(inspect.Stdout.Trim(), Is.EqualTo(id));
        }
        finally
        {
            File.Delete(archive);
        }
    }

    [Test]
    public async Task SavedByMoby_LoadedByBerth_SameImageId()
    {
        var archive = Path.Combine(Path.GetTempPath(), $"berth-interop-{Guid.NewGuid():N}.tar");
        try
        {
            var id = (await moby.DockerAsync("import", TestImages.BusyboxRootfsTar, "interop/moby-saved:1")).Stdout.Trim();
            Assert.That((await moby.DockerAsync("save", "-o", archive, "interop/moby-saved:1")).ExitCode, Is.Zero);
            var load = await berth.DockerAsync("load", "-i", archive);
            Assert.That(load.ExitCode, Is.Zero, load.ToString());
            var inspect = await berth.DockerAsync("image", "inspect", "--format", "{{.Id}}", "interop/moby-saved:1");
            Assert.That(inspect.Stdout.Trim(), Is.EqualTo(id));
        }
        finally
        {
            File.Delete(archive);
        }
    }
}
