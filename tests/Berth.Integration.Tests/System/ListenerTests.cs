using Berth.Integration.Tests.Fixtures;

namespace Berth.Integration.Tests.System;

[TestFixture]
public sealed class ListenerTests
{
    [Test]
    public async Task UnixSocket_Created_IsMode0660()
    {
        await using var daemon = await BerthdInstance.StartAsync();
        var mode = File.GetUnixFileMode(daemon.Socket);
        Assert.That(mode, Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite));
    }

    [Test]
    public async Task SecondDaemon_SameSocket_IsRefusedAndFirstKeepsServing()
    {
        await using var daemon = await BerthdInstance.StartAsync();
        var other = Directory.CreateTempSubdirectory("berth-it2.");
        try
        {
            var result = await Processes.RunAsync(RepoPaths.Berthd,
                ["-H", $"unix://{daemon.Socket}", "--data-root", $"{other.FullName}/data", "--exec-root", $"{other.FullName}/exec", "--pidfile", $"{other.FullName}/pid"],
                timeout: TimeSpan.FromSeconds(30));
            Assert.That(result.ExitCode, Is.Not.Zero);
            Assert.That(result.Stderr, Does.Contain("already listening"));
            Assert.That((await daemon.DockerAsync("version")).ExitCode, Is.Zero);
        }
        finally
        {
            other.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Stop_Sigterm_RemovesSocketAndPidfileAndPluginProcesses()
    {
        var daemon = await BerthdInstance.StartAsync();
        try
        {
            Assert.That(await Processes.EventuallyAsync(() => daemon.PluginPid("json-log") is not null, TimeSpan.FromSeconds(20)));
            var hosts = Processes.Children(daemon.Pid).Select(c => c.Pid).ToList();
            var log = await daemon.StopAsync();
            Assert.That(daemon.ExitCode, Is.Zero, "clean shutdown: " + log);
            Assert.That(File.Exists(daemon.Socket), Is.False);
            Assert.That(File.Exists(Path.Combine(daemon.Root, "berthd.pid")), Is.False);
            Assert.That(hosts.Where(p => Directory.Exists($"/proc/{p}")), Is.Empty, "plugin hosts stop with the daemon");
        }
        finally
        {
            await daemon.DisposeAsync();
        }
    }
}
