using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Plugins;

[TestFixture]
public sealed class PluginStoreRecoveryTests
{
    [Test]
    public async Task Restart_InterruptedInstallLeftOnDisk_IsCleanedAndInstalledPluginsKept()
    {
        await using var first = await BerthdInstance.StartAsync();
        Assert.That((await first.DockerAsync("plugin", "disable", "swarmkit")).ExitCode, Is.Zero);
        var plugins = Path.Combine(first.DataRoot, "plugins");
        await first.StopAsync();
        // What a crash between unpacking a package and writing its record leaves behind.
        var orphan = Path.Combine(plugins, new string('a', 64), "versions", "1.0.0", "rootfs");
        Directory.CreateDirectory(orphan);
        await File.WriteAllTextAsync(Path.Combine(orphan, "junk.dll"), "half-written");
        Directory.CreateDirectory(Path.Combine(plugins, "tmp", "staging"));

        await using var daemon = await first.RestartAsync();
        var ls = await daemon.DockerAsync("plugin", "ls", "--format", "{{.Name}} {{.Enabled}}");
        Assert.That(ls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EquivalentTo(new[]
        {
            "bridge-net:latest true", "json-log:latest true", "overlay:latest true", "swarmkit:latest false",
        }), "installed plugins and their enabled state survive a restart");
        Assert.That(Directory.Exists(Path.Combine(plugins, new string('a', 64))), Is.False);
        Assert.That(Directory.Exists(Path.Combine(plugins, "tmp")), Is.False);
    }
}
