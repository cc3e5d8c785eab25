using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Config;

[TestFixture]
public sealed class ReloadTests
{
    [Test]
    public async Task Sighup_ChangedReloadableKeys_TakeEffectWithoutRestart()
    {
        var configDir = Directory.CreateTempSubdirectory("berth-reload.");
        try
        {
            var config = Path.Combine(configDir.FullName, "daemon.json");
            await File.WriteAllTextAsync(config, "{\"debug\": false, \"labels\": [\"stage=one\"]}");
            await using var daemon = await BerthdInstance.StartAsync("--config-file", config);
            Assert.That((await daemon.DockerAsync("info", "--format", "{{.Debug}} {{.Labels}}")).Stdout.Trim(), Is.EqualTo("false [stage=one]"));

            await File.WriteAllTextAsync(config, "{\"debug\": true, \"labels\": [\"stage=two\"]}");
            await Processes.RunAsync("kill", ["-HUP", daemon.Pid.ToString(global::System.Globalization.CultureInfo.InvariantCulture)]);

            var seen = "";
            for (var i = 0; i < 50 && seen != "true [stage=two]"; i++)
            {
                await Task.Delay(100);
                seen = (await daemon.DockerAsync("info", "--format", "{{.Debug}} {{.Labels}}")).Stdout.Trim();
            }
            Assert.That(seen, Is.EqualTo("true [stage=two]"));
        }
        finally
        {
            configDir.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Sighup_InvalidFile_KeepsRunningConfiguration()
    {
        var configDir = Directory.CreateTempSubdirectory("berth-reload.");
        try
        {
            var config = Path.Combine(configDir.FullName, "daemon.json");
            await File.WriteAllTextAsync(config, "{\"labels\": [\"keep=me\"]}");
            await using var daemon = await BerthdInstance.StartAsync("--config-file", config);
            await File.WriteAllTextAsync(config, "{\"no-such-key\": 1}");
            await Processes.RunAsync("kill", ["-HUP", daemon.Pid.ToString(global::System.Globalization.CultureInfo.InvariantCulture)]);
            await Task.Delay(500);
            var info = await daemon.DockerAsync("info", "--format", "{{.Labels}}");
            Assert.That(info.ExitCode, Is.Zero);
            Assert.That(info.Stdout.Trim(), Is.EqualTo("[keep=me]"));
        }
        finally
        {
            configDir.Delete(recursive: true);
        }
    }
}
