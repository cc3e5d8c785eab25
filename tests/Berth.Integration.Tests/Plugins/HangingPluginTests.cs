using System.Diagnostics;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Plugins;

[TestFixture]
public sealed class HangingPluginTests
{
    [Test]
    public async Task Info_StorageDriverHangs_CallTimesOutAndOtherCallsKeepAnswering()
    {
        await using var first = await BerthdInstance.StartAsync();
        Assert.That((await first.DockerAsync("plugin", "create", "hanging", RepoPaths.TestPlugin("hanging"))).ExitCode, Is.Zero);
        Assert.That((await first.DockerAsync("plugin", "enable", "hanging")).ExitCode, Is.Zero);
        await using var daemon = await first.RestartAsync("--storage-driver", "hang", "--plugin-call-timeout", "2");

        Assert.That(await Processes.EventuallyAsync(() => daemon.PluginPid("hanging") is not null, TimeSpan.FromSeconds(20)));
        Assert.That(await daemon.WaitForPluginStateAsync("hanging", "running"), "the hanging plugin activates (only its Status call hangs)");

        var watch = Stopwatch.StartNew();
        var info = daemon.DockerAsync("info", "--format", "{{json .DriverStatus}}");
        var version = await daemon.DockerAsync("version", "--format", "{{.Server.APIVersion}}");
        Assert.That(version.ExitCode, Is.Zero);
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "other calls are not held up by the hung plugin");

        var result = await info;
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("did not answer GraphDriver.Status within 2s"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));

        // What the plugin wrote to stdout reached the daemon log, tagged with its name, and did not break the protocol.
        var log = await daemon.StopAsync();
        Assert.That(log, Does.Contain("[plugin/hanging:latest] hanging plugin constructed (written to stdout)"));
    }
}
