using Berth.Sdk.Hosting.Wire;
using Berth.Sdk.Logging;
using Berth.Sdk.Tests.Support;
using StreamJsonRpc;

namespace Berth.Sdk.Tests.Wire;

public class ContractBindingTests
{
    [Test]
    public async Task Attach_ContractThePeerDoesNotServe_CallFailsAsNotImplemented()
    {
        await using var pipe = PluginPipe.Start(_ => new LogOnlyDriver());
        await Wait.Within(pipe.ActivateAsync());

        var remote = await Wait.ThrowsAsync<RemoteMethodNotFoundException>(() => pipe.GraphDriver.ExistsAsync("l1", CancellationToken.None));

        var translated = RpcErrors.Translate(remote, "plugin log-only", "GraphDriver.Exists");
        Assert.That(translated.Kind, Is.EqualTo(BerthErrorKind.NotImplemented));
        Assert.That(translated.Message, Is.EqualTo("plugin log-only does not implement GraphDriver.Exists"));
    }

    [Test]
    public async Task AddTarget_DockerMethodName_IsCallableByWireName()
    {
        await using var pipe = PluginPipe.Start(_ => new LogOnlyDriver());
        await Wait.Within(pipe.ActivateAsync());

        var caps = await Wait.Within(
            pipe.Client.Rpc.InvokeWithCancellationAsync<LogCapabilities>("LogDriver.Capabilities", [], CancellationToken.None));

        Assert.That(caps.ReadLogs, Is.False);
    }

    [Test]
    public async Task Invoke_ArgumentsThatDoNotFit_FailsAsInvalidParameter()
    {
        await using var pipe = PluginPipe.Start(_ => new LogOnlyDriver());
        await Wait.Within(pipe.ActivateAsync());

        var remote = await Wait.ThrowsAsync<Exception>(() =>
            pipe.Client.Rpc.InvokeWithCancellationAsync<object>("LogDriver.StartLogging", [42, "not a LogInfo"], CancellationToken.None));

        var translated = RpcErrors.Translate(remote, "plugin log-only", "LogDriver.StartLogging");
        Assert.That(translated.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter), $"{remote.GetType().Name}: {remote.Message}");
        Assert.That(translated.Message, Does.StartWith("plugin log-only: LogDriver.StartLogging: ").And.Contain("\"file\""));
    }

    private sealed class LogOnlyDriver : ILogDriver
    {
        public Task<LogCapabilities> CapabilitiesAsync(CancellationToken cancellationToken) => Task.FromResult(new LogCapabilities(false));
        public Task StartLoggingAsync(string file, LogInfo info, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopLoggingAsync(string file, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task<Stream> ReadLogsAsync(LogInfo info, ReadConfig config, CancellationToken cancellationToken) => Task.FromResult(Stream.Null);
    }
}
