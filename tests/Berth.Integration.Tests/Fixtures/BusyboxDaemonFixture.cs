namespace Berth.Integration.Tests.Fixtures;

/// <summary>A fixture's own berthd with the busybox test image imported as <see cref="Image"/>; stopped after the fixture.</summary>
public abstract class BusyboxDaemonFixture
{
    protected const string Image = "bb:1";

    protected BerthdInstance Daemon { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartDaemonAsync()
    {
        Daemon = await BerthdInstance.StartAsync();
        var import = await Daemon.DockerAsync("import", TestImages.BusyboxRootfsTar, Image);
        Assert.That(import.ExitCode, Is.Zero, import.ToString());
    }

    [OneTimeTearDown]
    public async Task StopDaemonAsync() => await Daemon.DisposeAsync();

    protected Task<CommandResult> Docker(params string[] args) => Daemon.DockerAsync(args);
}
