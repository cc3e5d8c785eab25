using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.Plugins;

/// <summary><c>docker plugin push</c> / <c>install</c> / <c>upgrade</c> through a real registry on loopback.</summary>
[TestFixture]
public sealed class PluginRegistryTests
{
    private BerthdInstance daemon = null!;
    private LocalRegistry registry = null!;
    private PluginPackages packages = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        packages = new PluginPackages();
        registry = await LocalRegistry.StartAsync(CancellationToken.None);
        daemon = await BerthdInstance.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await daemon.DisposeAsync();
        await registry.DisposeAsync();
        packages.Dispose();
    }

    [Test]
    public async Task PushRemoveInstall_JsonLogCopy_InstalledAndEnabled()
    {
        var name = $"{registry.Address}/acc/json-log-copy:1.0";
        Assert.That((await daemon.DockerAsync("plugin", "create", name, packages.CopyOf(RepoPaths.BundledPlugin("json-log")))).ExitCode, Is.Zero);
        var push = await daemon.DockerAsync("plugin", "push", name);
        Assert.That(push.ExitCode, Is.Zero, push.ToString());
        Assert.That(push.Stdout, Does.Contain("1.0: digest: sha256:"));
        Assert.That((await daemon.DockerAsync("plugin", "rm", name)).ExitCode, Is.Zero);

        var install = await daemon.DockerAsync("plugin", "install", "--grant-all-permissions", name);
        Assert.That(install.ExitCode, Is.Zero, install.ToString());
        Assert.That(install.Stdout, Does.Contain($"Installed plugin {name}"));
        var state = await daemon.DockerAsync("plugin", "inspect", "--format", "{{.Enabled}}|{{.PluginReference}}", name);
        Assert.That(state.Stdout.Trim(), Is.EqualTo($"true|{name}"));
        Assert.That((await daemon.DockerAsync("plugin", "rm", "-f", name)).ExitCode, Is.Zero);
    }

    [Test]
    public async Task Install_WithAlias_InstalledUnderTheAlias()
    {
        var name = $"{registry.Address}/acc/json-log-alias:1.0";
        Assert.That((await daemon.DockerAsync("plugin", "create", name, packages.CopyOf(RepoPaths.BundledPlugin("json-log")))).ExitCode, Is.Zero);
        Assert.That((await daemon.DockerAsync("plugin", "push", name)).ExitCode, Is.Zero);
        var install = await daemon.DockerAsync("plugin", "install", "--grant-all-permissions", "--disable", "--alias", "berth/aliased", name);
        Assert.That(install.ExitCode, Is.Zero, install.ToString());
        var state = await daemon.DockerAsync("plugin", "inspect", "--format", "{{.Enabled}}", "berth/aliased");
        Assert.That(state.Stdout.Trim(), Is.EqualTo("false"));
        await daemon.DockerAsync("plugin", "rm", "berth/aliased");
        await daemon.DockerAsync("plugin", "rm", name);
    }

    [Test]
    public async Task Upgrade_FromRegistry_NewVersionRuns()
    {
        var v1 = $"{registry.Address}/acc/json-log-up:1";
        var v2 = $"{registry.Address}/acc/json-log-up:2";
        var next = packages.CopyOf(RepoPaths.BundledPlugin("json-log"), c => c["berth"]!["version"] = "1.0.1");
        Assert.That((await daemon.DockerAsync("plugin", "create", v2, next)).ExitCode, Is.Zero);
        Assert.That((await daemon.DockerAsync("plugin", "push", v2)).ExitCode, Is.Zero);
        Assert.That((await daemon.DockerAsync("plugin", "rm", v2)).ExitCode, Is.Zero);

        Assert.That((await daemon.DockerAsync("plugin", "create", v1, packages.CopyOf(RepoPaths.BundledPlugin("json-log")))).ExitCode, Is.Zero);
        var upgrade = await daemon.DockerAsync("plugin", "upgrade", "--grant-all-permissions", "--skip-remote-check", v1, v2);
        Assert.That(upgrade.ExitCode, Is.Zero, upgrade.ToString());
        var version = await daemon.DockerAsync("plugin", "inspect", "--format", "{{.PluginReference}}", v1);
        Assert.That(version.Stdout.Trim(), Is.EqualTo(v2));
        await daemon.DockerAsync("plugin", "rm", "-f", v1);
    }

    [Test]
    public async Task Install_AnImageNotAPlugin_RefusedClearly()
    {
        var image = $"{registry.Address}/acc/not-a-plugin:1";
        Assert.That((await daemon.DockerAsync("import", TestImages.BusyboxRootfsTar, image)).ExitCode, Is.Zero);
        Assert.That((await daemon.DockerAsync("push", image)).ExitCode, Is.Zero);
        var install = await daemon.DockerAsync("plugin", "install", "--grant-all-permissions", image);
        Assert.That(install.ExitCode, Is.Not.Zero);
        Assert.That(install.Stderr, Does.Contain("is not a plugin"));
    }
}
