using Berth.Kernel.Plugins;
using Berth.Kernel.Tests.Support;
using Berth.Sdk;
using Berth.Sdk.Logging;

namespace Berth.Kernel.Tests.Plugins;

public class PluginContractProxyTests
{
    [Test]
    public void Create_TypeThatIsNotAContract_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => PluginContractProxy<IDisposable>.Create(() => throw new InvalidOperationException()))!;

        Assert.That(ex.Message, Does.Contain("IDisposable is not a Berth driver contract"));
    }

    [Test]
    public async Task Invoke_ResolverThrows_ReturnsFaultedTaskWithThatError()
    {
        var proxy = PluginContractProxy<ILogDriver>.Create(() => throw BerthException.NotFound("no log driver named syslog"));

        var call = proxy.CapabilitiesAsync(CancellationToken.None);

        Assert.That(call.IsFaulted, Is.True, "errors surface through the task, not synchronously");
        var ex = await Wait.ThrowsAsync<BerthException>(() => call);
        Assert.That(ex.Kind, Is.EqualTo(BerthErrorKind.NotFound));
        Assert.That(ex.Message, Is.EqualTo("no log driver named syslog"));
    }

    [Test]
    public void ToString_Proxy_NamesContractAndPrefix()
    {
        var proxy = PluginContractProxy<ILogDriver>.Create(() => throw new InvalidOperationException());

        Assert.That(proxy.ToString(), Is.EqualTo("ILogDriver proxy (LogDriver.)"));
    }

    [Test]
    public async Task Invoke_StreamResult_ArrivesThroughTheSupervisor()
    {
        await using var h = await new SupervisorHarness().StartAsync();

        await using var logs = await Wait.Within(h.Proxy.ReadLogsAsync(TestLogDriver.Info(), new ReadConfig(null, null, -1, false), CancellationToken.None));
        using var reader = new StreamReader(logs);

        Assert.That(await Wait.Within(reader.ReadToEndAsync()), Is.EqualTo("{\"log\":\"hi\\n\"}"));
    }
}
