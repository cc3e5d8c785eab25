using System.Net;
using Berth.Kernel.Plugins.V1;
using Berth.Sdk;
using Berth.Sdk.Logging;

namespace Berth.Kernel.Tests.Plugins.V1;

public sealed class V1LogDriverTests : V1DriverTestBase
{
    private static readonly LogInfo Info = new(
        new Dictionary<string, string> { ["tag"] = "t" }, "c0ffee", "/web", "/bin/sh", ["-c", "echo hi"], "sha256:abc", "busybox",
        new DateTimeOffset(2026, 11, 29, 1, 2, 3, TimeSpan.Zero), ["A=1"], new Dictionary<string, string> { ["l"] = "v" }, "/var/log/c.log", "berth");

    [Test]
    public async Task StartLoggingAsync_Info_SendsDockersFieldNames()
    {
        var logs = Driver<ILogDriver>(V1Interfaces.LogDriver);
        Plugin.Reply("LogDriver.StartLogging", "{\"Err\":\"\"}");

        await logs.StartLoggingAsync("/run/berth/fifo/abc", Info, CancellationToken.None);

        var sent = Sent("LogDriver.StartLogging");
        Assert.That(sent.GetProperty("File").GetString(), Is.EqualTo("/run/berth/fifo/abc"));
        var info = sent.GetProperty("Info");
        Assert.That(info.GetProperty("ContainerID").GetString(), Is.EqualTo("c0ffee"));
        Assert.That(info.GetProperty("ContainerName").GetString(), Is.EqualTo("/web"));
        Assert.That(info.GetProperty("ContainerImageID").GetString(), Is.EqualTo("sha256:abc"));
        Assert.That(info.GetProperty("ContainerArgs")[1].GetString(), Is.EqualTo("echo hi"));
        Assert.That(info.GetProperty("Config").GetProperty("tag").GetString(), Is.EqualTo("t"));
        Assert.That(info.GetProperty("ContainerCreated").GetDateTimeOffset(), Is.EqualTo(Info.ContainerCreated));
        Assert.That(info.GetProperty("DaemonName").GetString(), Is.EqualTo("berth"));
    }

    [Test]
    public async Task StopLoggingAsync_File_SendsFile()
    {
        var logs = Driver<ILogDriver>(V1Interfaces.LogDriver);
        Plugin.Reply("LogDriver.StopLogging", "{}");

        await logs.StopLoggingAsync("/f", CancellationToken.None);

        Assert.That(Plugin.Last("LogDriver.StopLogging").Body, Is.EqualTo("{\"File\":\"/f\"}"));
    }

    [TestCase("{\"Cap\":{\"ReadLogs\":true}}", true)]
    [TestCase("{\"ReadLogs\":true}", true)]
    [TestCase("{\"Cap\":{\"ReadLogs\":false}}", false)]
    public async Task CapabilitiesAsync_Reply_ReadsCap(string reply, bool readLogs)
    {
        var logs = Driver<ILogDriver>(V1Interfaces.LogDriver);
        Plugin.Reply("LogDriver.Capabilities", reply);

        Assert.That((await logs.CapabilitiesAsync(CancellationToken.None)).ReadLogs, Is.EqualTo(readLogs));
    }

    [Test]
    public async Task CapabilitiesAsync_NotImplemented_CannotReadLogs()
    {
        var logs = Driver<ILogDriver>(V1Interfaces.LogDriver);

        Assert.That((await logs.CapabilitiesAsync(CancellationToken.None)).ReadLogs, Is.False);
    }

    [Test]
    public async Task ReadLogsAsync_Config_SendsInfoAndConfigAndReturnsTheBody()
    {
        var logs = Driver<ILogDriver>(V1Interfaces.LogDriver);
        Plugin.Reply("LogDriver.ReadLogs", "frames");

        await using var stream = await logs.ReadLogsAsync(Info, new ReadConfig(null, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), 10, true), CancellationToken.None);
        using var reader = new StreamReader(stream);

        Assert.That(await reader.ReadToEndAsync(), Is.EqualTo("frames"));
        var config = Sent("LogDriver.ReadLogs").GetProperty("Config");
        Assert.That(config.GetProperty("Tail").GetInt32(), Is.EqualTo(10));
        Assert.That(config.GetProperty("Follow").GetBoolean(), Is.True);
        Assert.That(config.GetProperty("Since").GetDateTimeOffset(), Is.EqualTo(DateTimeOffset.MinValue), "Go's zero time: no bound");
        Assert.That(Sent("LogDriver.ReadLogs").GetProperty("Info").GetProperty("ContainerID").GetString(), Is.EqualTo("c0ffee"));
    }

    [Test]
    public async Task StartLoggingAsync_PluginFails_ThrowsItsMessage()
    {
        var logs = Driver<ILogDriver>(V1Interfaces.LogDriver);
        Plugin.Reply("LogDriver.StartLogging", "{\"Err\":\"disk full\"}", HttpStatusCode.InternalServerError);

        var ex = await Wait.ThrowsAsync<BerthException>(() => logs.StartLoggingAsync("/f", Info, CancellationToken.None));

        Assert.That(ex.Message, Is.EqualTo("plugin foo: LogDriver.StartLogging: disk full"));
    }
}
