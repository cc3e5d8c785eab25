using System.Reflection;
using Berth.Sdk.Hosting.Server;
using Berth.Sdk.Hosting.Wire;
using Berth.Sdk.Kernel;
using Berth.Sdk.Protocol;
using Berth.Sdk.Tests.Support;
using StreamJsonRpc;

namespace Berth.Sdk.Tests.Server;

public class PluginServerTests
{
    [Test]
    public async Task ActivateAsync_LoadedPlugin_ReturnsNameVersionAndImplementedProtocols()
    {
        await using var pipe = PluginPipe.Start(_ => new TestDriver());

        var answer = await Wait.Within(pipe.ActivateAsync());

        Assert.That(answer.PluginName, Is.EqualTo(PluginPipe.Identity.Name));
        Assert.That(answer.Version, Is.EqualTo(PluginPipe.Identity.Version));
        Assert.That(answer.SdkVersion, Does.Match(@"^\d+\.\d+\.\d+$"));
        Assert.That(answer.Implements, Is.EquivalentTo(new[] { "graphdriver/1.0", "logdriver/1.0" }));
    }

    [Test]
    public async Task ActivateAsync_FactoryThrows_FailsWithTheLoadError()
    {
        await using var pipe = PluginPipe.Start(_ => throw new InvalidOperationException("missing libfoo.so"));

        var remote = await Wait.ThrowsAsync<RemoteInvocationException>(pipe.ActivateAsync);

        var error = RpcErrors.Translate(remote, "plugin test", "activation");
        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.System));
        Assert.That(error.Message, Does.Contain("test-driver:latest 1.2.3 failed to load")
            .And.Contain("InvalidOperationException: missing libfoo.so"));
        Assert.That(pipe.Log.ToString(), Does.Contain("plugin failed to load"));
    }

    [Test]
    public async Task ActivateAsync_ConstructorThrowsViaReflection_ReportsTheInnerError()
    {
        await using var pipe = PluginPipe.Start(_ =>
            throw new TargetInvocationException(new FileNotFoundException("Could not load Foo.dll")));

        var remote = await Wait.ThrowsAsync<RemoteInvocationException>(pipe.ActivateAsync);

        Assert.That(remote.Message, Does.Contain("FileNotFoundException: Could not load Foo.dll"));
        Assert.That(remote.Message, Does.Not.Contain(nameof(TargetInvocationException)));
    }

    [Test]
    public async Task ActivateAsync_PluginImplementsNoContract_FailsAsInvalidParameter()
    {
        await using var pipe = PluginPipe.Start(_ => new NotADriver());

        var remote = await Wait.ThrowsAsync<RemoteInvocationException>(pipe.ActivateAsync);

        var error = RpcErrors.Translate(remote, "plugin test", "activation");
        Assert.That(error.Kind, Is.EqualTo(BerthErrorKind.InvalidParameter));
        Assert.That(error.Message, Does.Contain("implements no Berth driver contract"));
    }

    [Test]
    public async Task RunAsync_Factory_ReceivesAKernelHostClient()
    {
        IKernelHost? received = null;
        await using var pipe = PluginPipe.Start(kernel =>
        {
            received = kernel;
            return new TestDriver();
        });

        await Wait.Within(pipe.ActivateAsync());

        Assert.That(received, Is.Not.Null);
    }

    [Test]
    public async Task RunAsync_ConstructorCallsTheKernel_IsAnsweredBeforeTheHandshake()
    {
        string? daemonName = null;
        await using var pipe = PluginPipe.Start(kernel =>
        {
            // A constructor is synchronous: it can only block on the kernel. The server listens before building the plugin.
#pragma warning disable VSTHRD002
            daemonName = kernel.DescribeAsync(CancellationToken.None).GetAwaiter().GetResult().Name;
#pragma warning restore VSTHRD002
            return new TestDriver();
        }, new DescribingKernel());

        var activation = await Wait.Within(pipe.ActivateAsync());

        Assert.That(daemonName, Is.EqualTo("test-daemon"));
        Assert.That(activation.Implements, Is.Not.Empty);
    }

    private sealed class DescribingKernel : IKernelHost
    {
        public Task<DaemonDescription> DescribeAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new DaemonDescription("id", "test-daemon", "0", "/data", "/exec", new Dictionary<string, string>()));

        public Task PublishEventAsync(PluginEvent pluginEvent, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<string> CreateContainerAsync(string? name, System.Text.Json.JsonElement config, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task StartContainerAsync(string idOrName, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task StopContainerAsync(string idOrName, int? timeoutSeconds, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task RemoveContainerAsync(string idOrName, bool force, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<System.Text.Json.JsonElement> InspectContainerAsync(string idOrName, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Stream> ReadContainerLogsAsync(string idOrName, Berth.Sdk.Logging.ReadConfig config, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    [Test]
    public async Task RunAsync_ClientDisconnects_ReturnsAndDisposesPlugin()
    {
        var driver = new TestDriver();
        var pipe = PluginPipe.Start(_ => driver);
        await Wait.Within(pipe.ActivateAsync());

        await pipe.DisposeAsync();

        Assert.That(pipe.Server.IsCompletedSuccessfully, Is.True);
        Assert.That(driver.Disposed, Is.True);
    }

    [Test]
    public async Task ShutdownAsync_Answered_ServerEndsTheConnection()
    {
        var driver = new TestDriver();
        await using var pipe = PluginPipe.Start(_ => driver);
        await Wait.Within(pipe.ActivateAsync());

        await Wait.Within(pipe.Control.ShutdownAsync(CancellationToken.None));

        await Wait.Within(pipe.Server);
        Assert.That(driver.Disposed, Is.True);
        await Wait.Within(pipe.Client.Completion.ContinueWith(_ => { }, TaskScheduler.Default));
    }

    [Test]
    public void Implemented_ObjectWithTwoContracts_ListsBoth()
    {
        var implemented = PluginServer.Implemented(new TestDriver());

        Assert.That(implemented.Select(c => c.Protocol), Is.EquivalentTo(new[] { Protocols.GraphDriver, Protocols.LogDriver }));
        Assert.That(PluginServer.Implemented(new NotADriver()), Is.Empty);
    }
}
