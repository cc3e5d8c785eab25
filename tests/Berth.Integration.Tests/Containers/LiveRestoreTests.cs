using System.Globalization;
using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Containers;

/// <summary>Containers outlive berthd (conmon holds them) and a crashing log plugin, and no log line is lost.</summary>
[TestFixture]
public sealed class LiveRestoreTests
{
    private const string Image = "bb:1";
    private const string Counter = "i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.05; done";

    [Test]
    public async Task KillDaemon_WithLiveRestore_ContainerKeepsRunningAndLogsAreComplete()
    {
        var daemon = await BerthdInstance.StartAsync("--live-restore");
        try
        {
            Assert.That((await daemon.DockerAsync("import", TestImages.BusyboxRootfsTar, Image)).ExitCode, Is.Zero);
            var run = await daemon.DockerAsync("run", "-d", "--network", "none", "--name", "survivor", Image, "sh", "-c", Counter);
            Assert.That(run.ExitCode, Is.Zero, run.ToString());
            await Task.Delay(1000);
            await Processes.RunAsync("kill", ["-KILL", daemon.Pid.ToString(CultureInfo.InvariantCulture)]);
            await Task.Delay(1000); // the container keeps writing while no daemon runs
            var restarted = await daemon.RestartAsync("--live-restore");
            daemon = restarted;
            Assert.That((await daemon.DockerAsync("inspect", "-f", "{{.State.Running}}", "survivor")).Stdout.Trim(), Is.EqualTo("true"));
            await Task.Delay(1000);
            var stop = await daemon.DockerAsync("stop", "-t", "1", "survivor");
            Assert.That(stop.ExitCode, Is.Zero, stop.ToString());
            AssertConsecutive((await daemon.DockerAsync("logs", "survivor")).Stdout, minimum: 40);
        }
        finally
        {
            await daemon.DisposeAsync();
        }
    }

    [Test]
    public async Task KillLogPlugin_WhileContainerWrites_NoLineLost()
    {
        await using var daemon = await BerthdInstance.StartAsync();
        Assert.That((await daemon.DockerAsync("import", TestImages.BusyboxRootfsTar, Image)).ExitCode, Is.Zero);
        Assert.That((await daemon.DockerAsync("run", "-d", "--network", "none", "--name", "chatty", Image, "sh", "-c", Counter)).ExitCode, Is.Zero);
        await Task.Delay(1000);
        var plugin = daemon.PluginPid("json-log");
        Assert.That(plugin, Is.Not.Null, "the json-log plugin host runs");
        await Processes.RunAsync("kill", ["-KILL", plugin!.Value.ToString(CultureInfo.InvariantCulture)]);
        Assert.That(await Processes.EventuallyAsync(() => daemon.PluginPid("json-log") is { } pid && pid != plugin, TimeSpan.FromSeconds(20)), Is.True, "the supervisor restarts it");
        await Task.Delay(1500);
        Assert.That((await daemon.DockerAsync("stop", "-t", "1", "chatty")).ExitCode, Is.Zero);
        AssertConsecutive((await daemon.DockerAsync("logs", "chatty")).Stdout, minimum: 40);
    }

    private static void AssertConsecutive(string logs, int minimum)
    {
        var numbers = logs.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => int.Parse(l["line-".Length..], CultureInfo.InvariantCulture)).ToList();
        Assert.That(numbers.Count, Is.GreaterThanOrEqualTo(minimum), logs);
        Assert.That(numbers, Is.EqualTo(Enumerable.Range(0, numbers.Count).ToList()), "every line once, in order");
    }
}
