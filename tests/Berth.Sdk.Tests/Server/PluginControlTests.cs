using Berth.Sdk.Tests.Support;

namespace Berth.Sdk.Tests.Server;

public class PluginControlTests
{
    [TestCase(0)]
    [TestCase(5)]
    [TestCase(1024 * 1024 + 3)]
    public async Task DrainAsync_StreamOfNBytes_ReturnsN(int size)
    {
        await using var pipe = PluginPipe.Start(_ => new TestDriver());
        await Wait.Within(pipe.ActivateAsync());
        using var data = new MemoryStream(new byte[size]);

        var count = await Wait.Within(pipe.Control.DrainAsync(data, CancellationToken.None));

        Assert.That(count, Is.EqualTo(size));
    }

    [Test]
    public async Task PingAsync_LoadedPlugin_IsHealthy()
    {
        await using var pipe = PluginPipe.Start(_ => new TestDriver());

        var health = await Wait.Within(pipe.Control.PingAsync(CancellationToken.None));

        Assert.That(health.Healthy, Is.True);
        Assert.That(health.Message, Is.Null);
        Assert.That(health.WorkingSetBytes, Is.GreaterThan(0));
    }

    [Test]
    public async Task PingAsync_PluginFailedToLoad_IsUnhealthyWithTheReason()
    {
        await using var pipe = PluginPipe.Start(_ => throw new InvalidOperationException("no config"));
        // A plugin still loading answers healthy; the handshake waits for the load to finish (here: to fail).
        Assert.CatchAsync(() => Wait.Within(pipe.ActivateAsync()));

        var health = await Wait.Within(pipe.Control.PingAsync(CancellationToken.None));

        Assert.That(health.Healthy, Is.False);
        Assert.That(health.Message, Is.EqualTo("no config"));
    }
}
