using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Config;

[TestFixture]
public sealed class ReloadTests
{
    private DirectoryInfo configDir = null!;
    private string ConfigPath => Path.Combine(configDir.FullName, "daemon.json");

    [SetUp]
    public void CreateConfigDir() => configDir = Directory.CreateTempSubdirectory("berth-reload.");

    [TearDown]
    public void RemoveConfigDir() => configDir.Delete(recursive: true);

    private static Task HangUpAsync(BerthdInstance daemon) =>
        Processes.RunAsync("kill", ["-HUP", daemon.Pid.ToString(global::System.Globalization.CultureInfo.InvariantCulture)]);

    private static async Task<string> DebugAndLabelsAsync(BerthdInstance daemon) =>
        (await daemon.DockerAsync("info", "--format", "{{.Debug}} {{.Labels}}")).Stdout.Trim();

    [Test]
    public async Task Sighup_ChangedReloadableKeys_TakeEffectWithoutRestart()
    {
        await File.WriteAllTextAsync(ConfigPath, "{\"debug\": false, \"labels\": [\"stage=one\"]}");
        await using var daemon = await BerthdInstance.StartAsync("--config-file", ConfigPath);
        Assert.That(await DebugAndLabelsAsync(daemon), Is.EqualTo("false [stage=one]"));

        await File.WriteAllTextAsync(ConfigPath, "{\"debug\": true, \"labels\": [\"stage=two\"]}");
        await HangUpAsync(daemon);

        var seen = "";
        for (var i = 0; i < 50 && seen != "true [stage=two]"; i++)
        {
            await Task.Delay(100);
            seen = await DebugAndLabelsAsync(daemon);
        }
        Assert.That(seen, Is.EqualTo("true [stage=two]"));
    }

    [Test]
    public async Task Sighup_InvalidFile_KeepsRunningConfiguration()
    {
        await File.WriteAllTextAsync(ConfigPath, "{\"labels\": [\"keep=me\"]}");
        await using var daemon = await BerthdInstance.StartAsync("--config-file", ConfigPath);
        await File.WriteAllTextAsync(ConfigPath, "{\"no-such-key\": 1}");
        await HangUpAsync(daemon);
        await Task.Delay(500);
        Assert.That(await DebugAndLabelsAsync(daemon), Is.EqualTo("false [keep=me]"), "the daemon runs on with the configuration it had");
    }
}
