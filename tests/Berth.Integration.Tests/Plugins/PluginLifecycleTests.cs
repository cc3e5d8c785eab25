using System.Text.Json;
using Berth.Integration.Tests.Fixtures;
using Docker.DotNet.Models;

namespace Berth.Integration.Tests.Plugins;

[TestFixture]
public sealed class PluginLifecycleTests
{
    private BerthdInstance daemon = null!;
    private PluginPackages packages = null!;

    [SetUp]
    public async Task StartAsync()
    {
        daemon = await BerthdInstance.StartAsync();
        packages = new PluginPackages();
        Assert.That(await Processes.EventuallyAsync(() => daemon.PluginPid("json-log") is not null, TimeSpan.FromSeconds(20)), "json-log host never started");
        Assert.That(await daemon.WaitForPluginStateAsync("json-log", "running"), "json-log never finished activation");
    }

    [TearDown]
    public async Task StopAsync()
    {
        await daemon.DisposeAsync();
        packages.Dispose();
    }

    [Test]
    public async Task PluginLs_FreshDaemon_ListsFourBundledPluginsEnabledWithVersions()
    {
        var result = await daemon.DockerAsync("plugin", "ls", "--format", "{{.Name}} {{.Enabled}} {{.Description}}");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines.Select(l => l.Split(' ')[0]), Is.EquivalentTo(new[] { "bridge-net:latest", "json-log:latest", "overlay:latest", "swarmkit:latest" }));
        Assert.That(lines, Has.All.Contain(" true ").And.All.Match(@"\(v1\.\d+\.\d+\)"));
    }

    [Test]
    public async Task KillNine_PluginHost_IsBackWithinFiveSecondsWithEventAndRestartCount()
    {
        var old = daemon.PluginPid("json-log")!.Value;
        await Processes.RunAsync("kill", ["-9", old.ToString(global::System.Globalization.CultureInfo.InvariantCulture)]);

        var info = await daemon.DockerAsync("info", "--format", "{{.LoggingDriver}}");
        Assert.That(info.ExitCode, Is.Zero, "the daemon keeps answering while the plugin is down: " + info);
        var killedAt = global::System.Diagnostics.Stopwatch.StartNew();
        Assert.That(await Processes.EventuallyAsync(() => daemon.PluginPid("json-log") is { } p && p != old, TimeSpan.FromSeconds(5)), "json-log was not restarted within 5 s");
        Assert.That(await daemon.WaitForPluginStateAsync("json-log", "running"), "the new json-log process activates");
        Assert.That(killedAt.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "serving again within 5 s");

        // Without --format the CLI prints the daemon's raw JSON, Berth's RestartCount included.
        var inspect = await daemon.DockerAsync("plugin", "inspect", "json-log");
        using var doc = JsonDocument.Parse(inspect.Stdout);
        Assert.That(doc.RootElement[0].GetProperty("RestartCount").GetInt32(), Is.EqualTo(1));
        var until = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(global::System.Globalization.CultureInfo.InvariantCulture);
        var events = await daemon.DockerAsync("events", "--since", "0", "--until", until, "--filter", "plugin=json-log:latest");
        Assert.That(events.Stdout, Does.Contain("plugin crash").And.Contain("exitCode=137").And.Contain("plugin restart"));
    }

    [Test]
    public async Task CreateEnableDisableRemove_ValidPackage_FollowsDockerLifecycle()
    {
        var dir = packages.CopyOf(RepoPaths.BundledPlugin("json-log"));
        Assert.That((await daemon.DockerAsync("plugin", "create", "berth/json-log-copy", dir)).ExitCode, Is.Zero);
        Assert.That((await daemon.DockerAsync("plugin", "inspect", "berth/json-log-copy", "--format", "{{.Enabled}}")).Stdout.Trim(), Is.EqualTo("false"));
        var enable = await daemon.DockerAsync("plugin", "enable", "berth/json-log-copy");
        Assert.That(enable.ExitCode, Is.Zero, enable.ToString());
        Assert.That(daemon.PluginPid("berth/json-log-copy:latest"), Is.Not.Null);
        Assert.That((await daemon.DockerAsync("plugin", "rm", "berth/json-log-copy")).Stderr, Does.Contain("enabled"));
        Assert.That((await daemon.DockerAsync("plugin", "disable", "berth/json-log-copy")).ExitCode, Is.Zero);
        Assert.That(await Processes.EventuallyAsync(() => daemon.PluginPid("berth/json-log-copy:latest") is null, TimeSpan.FromSeconds(10)));
        Assert.That((await daemon.DockerAsync("plugin", "rm", "berth/json-log-copy")).ExitCode, Is.Zero);
        Assert.That((await daemon.DockerAsync("plugin", "inspect", "berth/json-log-copy")).Stderr, Does.Contain("not found"));
    }

    [Test]
    public async Task Create_AssemblyThrowsOnLoad_IsRefusedWithTheReason()
    {
        var result = await daemon.DockerAsync("plugin", "create", "throwing", RepoPaths.TestPlugin("throwing"));
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("failed to load").And.Contain("refuses to load"));
        await AssertOnlyBundledInstalledAsync();
    }

    [Test]
    public async Task Create_MissingAssembly_IsRefusedNamingTheFile()
    {
        var dir = packages.CopyOf(RepoPaths.BundledPlugin("json-log"));
        File.Delete(Path.Combine(dir, "rootfs", "Berth.Plugins.JsonLog.dll"));
        var result = await daemon.DockerAsync("plugin", "create", "missing-asm", dir);
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("Berth.Plugins.JsonLog.dll is missing"));
        await AssertOnlyBundledInstalledAsync();
    }

    [Test]
    public async Task Create_ProtocolMajorNotSpoken_IsRefusedNamingTheProtocol()
    {
        var dir = packages.CopyOf(RepoPaths.BundledPlugin("json-log"), c => c["Interface"]!["Types"] = new global::System.Text.Json.Nodes.JsonArray("berth.logdriver/2.0"));
        var result = await daemon.DockerAsync("plugin", "create", "future", dir);
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("protocol major 2").And.Contain("logdriver/1"));
        await AssertOnlyBundledInstalledAsync();
    }

    [Test]
    public async Task Create_BrokenConfigJson_IsRefusedByTheDaemonToo()
    {
        // The CLI checks the JSON itself; the daemon must refuse it as well for any other client.
        var dir = packages.WithRawConfig(RepoPaths.BundledPlugin("json-log"), "{ \"Description\": ");
        using var http = RawApi.Create(daemon.Socket);
        using var body = new StreamContent(PluginPackages.Tar(dir));
        using var response = await http.PostAsync("/v1.50/plugins/create?name=broken", body);
        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("config.json is not valid"));
        var cli = await daemon.DockerAsync("plugin", "create", "broken", dir);
        Assert.That(cli.ExitCode, Is.Not.Zero);
        await AssertOnlyBundledInstalledAsync();
    }

    [Test]
    public async Task Upgrade_DisableUpgradeEnableWithCli_ServesNewVersionWithoutDaemonRestart()
    {
        var next = packages.CopyOf(RepoPaths.BundledPlugin("json-log"), c => c["berth"]!["version"] = "1.2.0");
        Assert.That((await daemon.DockerAsync("plugin", "create", "berth/json-log:1.2.0", next)).ExitCode, Is.Zero);
        Assert.That((await daemon.DockerAsync("plugin", "disable", "json-log")).ExitCode, Is.Zero);
        var upgrade = await daemon.DockerAsync("plugin", "upgrade", "--skip-remote-check", "--grant-all-permissions", "json-log", "berth/json-log:1.2.0");
        Assert.That(upgrade.ExitCode, Is.Zero, upgrade.ToString());
        Assert.That((await daemon.DockerAsync("plugin", "enable", "json-log")).ExitCode, Is.Zero);

        var served = await daemon.DockerAsync("plugin", "inspect", "json-log", "--format", "{{.Version}} {{.Status.ServingVersion}} {{.PluginReference}}");
        Assert.That(served.Stdout.Trim(), Is.EqualTo("1.2.0 1.2.0 berth/json-log:1.2.0"));
        Assert.That(daemon.PluginPid("json-log:latest 1.2.0"), Is.Not.Null);
    }

    [Test]
    public async Task Upgrade_EnabledPluginThroughApi_SwapsProcessesHotly()
    {
        var next = packages.CopyOf(RepoPaths.BundledPlugin("json-log"), c => c["berth"]!["version"] = "1.3.0");
        Assert.That((await daemon.DockerAsync("plugin", "create", "berth/json-log:1.3.0", next)).ExitCode, Is.Zero);
        var oldPid = daemon.PluginPid("json-log:latest 1.1.0")!.Value;
        var daemonPid = daemon.Pid;

        using var client = daemon.Client();
        await client.Plugin.UpgradePluginAsync("json-log", new PluginUpgradeParameters { Remote = "berth/json-log:1.3.0", Privileges = [] });

        var info = await client.System.GetSystemInfoAsync();
        Assert.That(info.LoggingDriver, Is.EqualTo("json-file"));
        Assert.That(daemon.PluginPid("json-log:latest 1.3.0"), Is.Not.Null, "the new version serves");
        Assert.That(await Processes.EventuallyAsync(() => daemon.PluginPid("json-log:latest 1.1.0") is null, TimeSpan.FromSeconds(15)), $"old process {oldPid} was drained and stopped");
        Assert.That(daemon.Pid, Is.EqualTo(daemonPid));
        var plugins = await client.Plugin.ListPluginsAsync(new PluginListParameters());
        Assert.That(plugins.Single(p => p.Name == "json-log:latest").Enabled, Is.True);
    }

    private async Task AssertOnlyBundledInstalledAsync()
    {
        var ls = await daemon.DockerAsync("plugin", "ls", "--format", "{{.Name}} {{.Enabled}}");
        Assert.That(ls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(4).And.All.EndWith("true"),
            "nothing else installed is disturbed");
    }
}
